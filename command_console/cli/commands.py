"""CLI commands for incidents, log, steps, the timeline and backup (plans and contacts:
cli/library.py), and the helpers the other command modules share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from command_console.cli import (
    VALUES,
    JsonOpt,
    State,
    app,
    emit_json,
    guarded,
    incident_app,
)
from command_console.core import labels
from command_console.core.text import pad
from command_console.i18n import N_, _


def _store():
    return State.workspace().store


def _local(instant, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant in the site's time zone, for a line of output."""
    from command_console.core.when import local

    return local(instant, State.workspace().config.zone, fmt)


SyncOpt = Annotated[
    bool,
    typer.Option(
        "--sync", help=N_("Sync once with the share first (reads use the local database).")
    ),
]


def _sync_first(sync: bool) -> None:
    """With --sync and a share set, one sync pass before reading; problems go to stderr and
    the read goes on with what the local database has."""
    if not sync:
        return
    workspace = State.workspace()
    if not workspace.config.sync_dir and not workspace.config.sync_url:
        typer.echo(_("sync: no shared folder set; showing the local database"), err=True)
        return
    from command_console.data.sync import Syncer

    result = Syncer(workspace).sync_once(wait=True)
    for line in result.problems:
        typer.echo(_("sync: {problem}").format(problem=line), err=True)


def _incident_id(query: str) -> str:
    from command_console.core.matching import resolve

    return resolve(query, _store().incident_ids(), "incident")


# -- incidents ---------------------------------------------------------------


@incident_app.command("open", help=N_("Open an incident with a plan; prints its id."))
@guarded
def incident_open(
    plan: str,
    severity: Annotated[
        str | None,
        typer.Option(help=N_("general | serious | major | critical (default: the plan's).")),
    ] = None,
    title: Annotated[str, typer.Option(help=N_("Short title (default: the plan's title)."))] = "",
    started_at: Annotated[
        str | None, typer.Option(help=N_("When it began: 14:05, '2026-11-22 14:05', '10m ago'."))
    ] = None,
    drill: Annotated[
        bool,
        typer.Option(
            "--drill", help=N_("A drill, not a real incident: marked everywhere, counted apart.")
        ),
    ] = False,
) -> None:
    from command_console.core.when import check_started_at, parse_when
    from command_console.data import actions

    workspace = State.workspace()
    found = workspace.plan(plan)
    level = actions.parse_severity(severity) if severity is not None else None
    started = None
    if started_at is not None:
        now = workspace.clock.now()
        started = parse_when(started_at, now, workspace.config.zone, field="--started-at")
        check_started_at(started, now)
    typer.echo(
        actions.open_incident(
            workspace.store, found, severity=level, title=title, started_at=started, drill=drill
        )
    )


@incident_app.command(
    "list",
    help=N_(
        "Open incidents, most severe first, with the next deadline of each; drills listed apart."
    ),
)
@guarded
def incident_list(
    all_: Annotated[bool, typer.Option("--all", help=N_("Include resolved incidents."))] = False,
    archived: Annotated[
        bool,
        typer.Option(
            "--archived", help=N_("Archived incidents only (they leave the other lists).")
        ),
    ] = False,
    json_: JsonOpt = False,
    sync: SyncOpt = False,
) -> None:
    _sync_first(sync)
    from command_console.cli.duties import drill_mark, split_listing
    from command_console.core.timers import (
        format_age,
        format_countdown,
        next_deadline,
        seconds_until,
    )
    from command_console.data import queries

    workspace = State.workspace()
    now = workspace.clock.now()
    found = queries.list_incidents(workspace.store, include_resolved=all_ or archived)
    real, drills = split_listing(workspace.store, found, archived)
    if json_:
        emit_json(
            [incident_json(i) | {"drill": i in drills, "archived": archived} for i in real + drills]
        )
        return
    for i in real + drills:
        step = next_deadline(i) if i.is_open else None
        due = (
            f"{format_countdown(seconds_until(step.due_at, now))} {step.step_id}"
            if step and step.due_at  # next_deadline only picks steps with one
            else ""
        )
        typer.echo(
            drill_mark(i, real, drills)
            + f"{pad(i.id, 10)} {pad(labels.severity(i.severity), 9)} {pad(labels.status(i.status), 9)} "
            f"{pad(format_age(i.started_at, now), 7)} {pad(i.title, 34)} {due}".rstrip()
        )


def incident_json(i) -> dict:
    return {
        "id": i.id,
        "title": i.title,
        "plan_id": i.plan_id,
        "plan_title": i.plan_title,
        "severity": i.severity.value,
        "status": i.status.value,
        "started_at": i.started_at,
        "opened_at": i.opened_at,
        "resolved_at": i.resolved_at,
        "steps": [
            {
                "id": s.step_id,
                "text": s.text,
                "due_at": s.due_at,
                "state": s.state.value,
                "state_at": s.state_at,
                "state_by": s.state_by,
                "note": s.state_note,
                "contact_role": s.contact_role,
            }
            for s in i.steps
        ],
    }


@incident_app.command("show", help=N_("One incident with its steps."))
@guarded
def incident_show(incident: str, json_: JsonOpt = False, sync: SyncOpt = False) -> None:
    _sync_first(sync)
    from command_console.core.timers import format_countdown, step_timer
    from command_console.core.when import local
    from command_console.data import queries

    workspace = State.workspace()
    found = queries.get_incident(workspace.store, _incident_id(incident))
    if json_:
        emit_json(incident_json(found))
        return
    zone, now = workspace.config.zone, workspace.clock.now()
    typer.echo(
        f"{found.id}  {labels.severity(found.severity)}  {labels.status(found.status)}  {found.title}"
    )
    typer.echo(
        _("plan {plan}; started {started}; opened by {author}").format(
            plan=found.plan_title, started=local(found.started_at, zone), author=found.opened_by
        )
    )
    for n, step in enumerate(found.steps, 1):
        timer = step_timer(step, now)
        when = format_countdown(timer.seconds_left) if timer.seconds_left is not None else ""
        done = (
            f"{step.state.value} {local(step.state_at, zone, '%H:%M')} {step.state_by}"
            if not step.is_open
            else ""
        )
        typer.echo(f"{n:>2}. {pad(step.text, 60)} {pad(when, 9)} {done}".rstrip())


@incident_app.command("resolve", help=N_("Mark an incident resolved."))
@guarded
def incident_resolve(incident: str) -> None:
    from command_console.core.incidents import Status
    from command_console.data import actions

    incident_id = _incident_id(incident)
    actions.set_status(_store(), incident_id, Status.RESOLVED)
    typer.echo(_("{incident} resolved").format(incident=incident_id))


@incident_app.command(
    "set",
    context_settings=VALUES,
    help=N_("Change severity, status, title or started-at of an incident."),
)
@guarded
def incident_set(incident: str, field: str, value: str) -> None:
    from command_console.core.incidents import Status
    from command_console.core.matching import resolve
    from command_console.core.when import check_started_at, parse_when
    from command_console.data import actions

    store, incident_id = _store(), _incident_id(incident)
    field = resolve(
        field.replace("-", "_"), ["severity", "status", "title", "started_at"], "incident field"
    )
    if field == "severity":
        actions.set_severity(store, incident_id, actions.parse_severity(value))
    elif field == "status":
        settable = [s.value for s in Status if s != Status.CANCELLED]  # cancel needs a reason
        status = resolve(value, settable, "status")
        actions.set_status(store, incident_id, Status(status))
    elif field == "title":
        actions.set_title(store, incident_id, value)
    else:
        workspace = State.workspace()
        started = parse_when(
            value, workspace.clock.now(), workspace.config.zone, field=_("started-at")
        )
        check_started_at(started, workspace.clock.now())
        actions.set_started_at(store, incident_id, started)
    typer.echo(_("{incident} {field} set").format(incident=incident_id, field=field))


# -- log, steps, timeline ------------------------------------------------------


@app.command(
    "log",
    context_settings=VALUES,
    help=N_("Add a timeline entry. Exit 0 means it is durably stored."),
)
@guarded
def log_entry(incident: str, text: str) -> None:
    from command_console.data import actions

    actions.log(_store(), _incident_id(incident), text)


@app.command(
    "step",
    context_settings=VALUES,
    help=N_("Mark a plan step done, skipped (with --note), reopened, or its alarm acknowledged."),
)
@guarded
def step(
    incident: str,
    step_query: Annotated[str, typer.Argument(metavar="STEP")],
    action: Annotated[str, typer.Argument(help=N_("done | skip | reopen | ack"))],
    note: Annotated[str, typer.Option(help=N_("Why (required for skip)."))] = "",
) -> None:
    from command_console.core.incidents import StepState
    from command_console.core.matching import resolve
    from command_console.data import actions

    store, incident_id = _store(), _incident_id(incident)
    step_id = actions.resolve_step(store, incident_id, step_query)
    verb = resolve(action, ["done", "skip", "reopen", "ack"], "step action")
    if verb == "ack":
        actions.acknowledge_step(store, incident_id, step_id)
    else:
        state = {"done": StepState.DONE, "skip": StepState.SKIPPED, "reopen": StepState.PENDING}[
            verb
        ]
        actions.set_step(store, incident_id, step_id, state, note)
    typer.echo(f"{incident_id} {step_id} {verb}")


@app.command("timeline", help=N_("Every entry of an incident, oldest first, in local time."))
@guarded
def timeline(incident: str, json_: JsonOpt = False, sync: SyncOpt = False) -> None:
    _sync_first(sync)
    from dataclasses import asdict

    from command_console.core import corrections
    from command_console.core.when import local
    from command_console.data import queries

    workspace = State.workspace()
    zone = workspace.config.zone
    entries = queries.timeline(workspace.store, _incident_id(incident), zone=zone)
    if json_:
        emit_json([asdict(e) for e in entries])  # a correction as {"amendment": {...}}
        return
    for e in entries:
        fixed = local(e.amendment.at, zone, "%m-%d %H:%M:%S") if e.amendment else ""
        typer.echo(
            f"{local(e.at, zone, '%m-%d %H:%M:%S')}  {pad(e.author, 10)} {pad(labels.entry_kind(e.kind), 6)} {corrections.plain(e, fixed)}"
        )


@app.command(
    "backup",
    help=N_(
        "Copy the database with SQLite's backup API (safe while the console runs); the copy passes integrity_check before it is kept. Restore: stop the console, copy it back as console.db."
    ),
)
@guarded
def backup(
    path: Annotated[Path, typer.Argument(help=N_("File or folder for the copy."))],
    force: Annotated[bool, typer.Option("--force", help=N_("Replace an existing file."))] = False,
) -> None:
    from command_console.data.backup import backup as copy_database
    from command_console.paths import export_path

    workspace = State.workspace()
    store = workspace.store  # opening checks the source, so a damaged one is refused
    name = f"console-{workspace.config.console_id}-{workspace.clock.now():%Y%m%d-%H%M%S}.db"
    target = export_path(path, name, workspace.paths, force=force, option="PATH")
    size = copy_database(store.path, target, replace=force)
    typer.echo(_("backup {path} ({size} bytes)").format(path=target, size=size))


from command_console.cli import fixes  # noqa: E402,F401  (plan change, cancel, amend register here)
