"""CLI commands for the duties: upward reports, the review, archive, drills, routines."""

from __future__ import annotations

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
    report_app,
)
from command_console.cli.commands import _incident_id, _store
from command_console.core.text import pad
from command_console.i18n import N_, _

review_app = typer.Typer(
    help=N_("The post-incident review: cause, lessons, corrective actions."), no_args_is_help=True
)
action_app = typer.Typer(help=N_("Corrective actions of a review."), no_args_is_help=True)
routines_app = typer.Typer(
    help=N_("Recurring shift duties (daily summary, floor patrol)."), no_args_is_help=True
)
review_app.add_typer(action_app, name="action")
app.add_typer(review_app, name="review")
app.add_typer(routines_app, name="routines")


def _local(instant, fmt: str = "%Y-%m-%d %H:%M") -> str:
    from command_console.core.when import local

    return local(instant, State.workspace().config.zone, fmt)


# -- upward reports ---------------------------------------------------------------


@report_app.command(
    "sent",
    context_settings=VALUES,
    help=N_("Record that somebody was told, freezing the report's fields as the version sent."),
)
@guarded
def report_sent(
    incident: str,
    to: Annotated[
        str,
        typer.Option("--to", help=N_("Who was told: a role (emergency-team, 上级部门) or a name.")),
    ],
    via: Annotated[str, typer.Option("--via", help=N_("phone | written | message"))],
    version: Annotated[
        str | None,
        typer.Option(
            "--version", help=N_("initial | followup | final (default: initial, then followup).")
        ),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help=N_("The role this person was told as (default: from --to).")),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help=N_("When: 14:05, '10m ago' (default: now)."))
    ] = None,
    json_: JsonOpt = False,
) -> None:
    from command_console.core.when import parse_when
    from command_console.data import actions_duties, queries_duties

    workspace = State.workspace()
    incident_id = _incident_id(incident)
    told = (
        parse_when(at, workspace.clock.now(), workspace.config.zone, field="--at")
        if at is not None
        else None
    )
    op = actions_duties.report_sent(
        workspace.store, incident_id, to, via, version=version, role=role, told_at=told
    )
    sent = next(
        r for r in queries_duties.upward_reports(workspace.store, incident_id) if r.id == op.id
    )
    if json_:
        emit_json(_sent_json(sent))
        return
    typer.echo(
        _("{id}: told {to} {via} at {time}, {version}").format(
            id=incident_id,
            to=sent.to,
            via=_via(sent.via),
            time=_local(sent.told_at),
            version=_version(sent),
        )
    )


def _via(via: str) -> str:
    from command_console.core.duties import via_label

    return via_label(via)


def _version(sent) -> str:
    from command_console.core.duties import version_label

    return version_label(sent.version_kind, sent.version)


def _sent_json(r) -> dict:
    return {
        "id": r.id,
        "incident_id": r.incident_id,
        "to": r.to,
        "role": r.role,
        "via": r.via,
        "told_at": r.told_at,
        "version": r.version,
        "version_kind": r.version_kind,
        "author": r.author,
    }


@report_app.command(
    "upward", help=N_("Who must be told and by when, who was told, and the versions sent.")
)
@guarded
def report_upward(incident: str, json_: JsonOpt = False) -> None:
    from command_console.core.contacts import role_label
    from command_console.core.timers import format_countdown
    from command_console.data import queries_duties
    from command_console.i18n import current_language

    workspace = State.workspace()
    store, now, incident_id = workspace.store, workspace.clock.now(), _incident_id(incident)
    dues = queries_duties.upward_dues(store, incident_id)
    sent = queries_duties.upward_reports(store, incident_id)
    versions = queries_duties.report_versions(store, incident_id)
    if json_:
        emit_json(
            {
                "incident_id": incident_id,
                "required": [
                    {
                        "role": d.role,
                        "due_at": d.due_at,
                        "told_at": d.told_at,
                        "told_to": d.told_to,
                        "late_s": d.late_by(now),
                        "overdue": not d.done and d.due_at <= now,
                    }
                    for d in dues
                ],
                "sent": [_sent_json(r) for r in sent],
                "versions": [
                    {
                        "number": v.number,
                        "kind": v.kind,
                        "fields": v.fields,
                        "frozen_at": v.frozen_at,
                        "frozen_by": v.frozen_by,
                    }
                    for v in versions
                ],
            }
        )
        return
    typer.echo(_("Upward reports of {id}").format(id=incident_id))
    for d in dues:
        name = role_label(d.role, current_language())
        if d.done:
            state = _("told {to} at {time}").format(to=d.told_to, time=_local(d.told_at, "%H:%M"))
        else:
            left = d.seconds_left(now) or 0  # not done: a number of seconds
            state = (_("OVERDUE {countdown}") if left <= 0 else _("due in {countdown}")).format(
                countdown=format_countdown(left)
            )
        by = _("by {time}").format(time=_local(d.due_at, "%H:%M"))
        typer.echo(f"  {name}: {by}  {state}")
    for r in sent:
        typer.echo(
            "  "
            + _("{time} told {to} {via}: {version}").format(
                time=_local(r.told_at), to=r.to, via=_via(r.via), version=_version(r)
            )
        )


# -- archive and drills ---------------------------------------------------------------


@incident_app.command(
    "archive",
    help=N_(
        "Archive a resolved incident whose report and review are complete (it leaves the working lists)."
    ),
)
@guarded
def incident_archive(
    incident: str,
    undo: Annotated[bool, typer.Option("--undo", help=N_("Take it out of the archive."))] = False,
) -> None:
    from command_console.data import actions_duties

    incident_id = _incident_id(incident)
    actions_duties.archive(_store(), incident_id, archived=not undo)
    typer.echo(
        (_("{id} taken out of the archive") if undo else _("{id} archived")).format(id=incident_id)
    )


@app.command(
    "drills",
    help=N_(
        "The last drill of each plan, and the plans with no drill in the past year (seeds 000, 003: at least once a year)."
    ),
)
@guarded
def drills(json_: JsonOpt = False) -> None:
    from datetime import timedelta

    from command_console.data import queries, queries_duties
    from command_console.i18n import current_language

    workspace = State.workspace()
    now, store = workspace.clock.now(), workspace.store
    marked = queries_duties.flags(store)
    found = [
        i
        for i in queries.list_incidents(store, include_resolved=True)
        if marked.get(i.id) and marked[i.id].drill
    ]
    last = {}
    for incident in sorted(found, key=lambda i: i.started_at):
        last[incident.plan_id] = incident
    year_ago = now - timedelta(days=365)
    plans = workspace.plans.sorted()
    missing = [p for p in plans if p.id not in last or last[p.id].started_at < year_ago]
    if json_:
        emit_json(
            {
                "drills": [
                    {
                        "id": i.id,
                        "plan_id": i.plan_id,
                        "title": i.title,
                        "started_at": i.started_at,
                        "status": i.status.value,
                    }
                    for i in sorted(found, key=lambda i: i.started_at)
                ],
                "last_per_plan": {plan_id: i.id for plan_id, i in sorted(last.items())},
                "no_drill_in_past_year": [p.id for p in missing],
            }
        )
        return
    typer.echo(_("Last drill per plan ({n})").format(n=len(last)))
    for plan_id, i in sorted(last.items()):
        typer.echo(f"  {pad(plan_id, 28)} {_local(i.started_at)}  {pad(i.id, 10)} {i.title}")
    if not last:
        typer.echo("  " + _("none"))
    typer.echo(_("Plans with no drill in the past year ({n})").format(n=len(missing)))
    for p in missing:
        typer.echo(f"  {pad(p.id, 28)} {p.title_in(current_language())}")


# -- the review --------------------------------------------------------------------------


@review_app.command(
    "set",
    context_settings=VALUES,
    help=N_(
        "Set a review field: cause, went_well, went_badly, submitted_to (a drill also: participants, evaluation)."
    ),
)
@guarded
def review_set(incident: str, field: str, value: str) -> None:
    from command_console.data import actions_duties

    incident_id = _incident_id(incident)
    key = actions_duties.resolve_review_field(field)
    changed = actions_duties.set_review_field(_store(), incident_id, key, value)
    typer.echo(
        (_("{id} review {field} set") if changed else _("{id} review {field} unchanged")).format(
            id=incident_id, field=key
        )
    )


@review_app.command(
    "show", help=N_("The review, its corrective actions and what is still missing to archive.")
)
@guarded
def review_show(incident: str, json_: JsonOpt = False) -> None:
    from command_console.core.duties import REVIEW_FIELDS, review_field_label, review_missing
    from command_console.data import actions_duties, queries_duties

    store, incident_id = _store(), _incident_id(incident)
    values = queries_duties.review(store, incident_id)
    drill = queries_duties.flags_of(store, incident_id).drill
    found = queries_duties.actions(store, incident_id)
    if json_:
        emit_json(
            {
                "incident_id": incident_id,
                "drill": drill,
                "fields": {k: values.get(k, "") for k in REVIEW_FIELDS},
                "missing": review_missing(values, drill),
                "actions": [_action_json(a) for a in found],
                "archive_problems": actions_duties.archive_problems(store, incident_id),
            }
        )
        return
    typer.echo(
        _("Review of {id}").format(id=incident_id) + (" [" + _("DRILL") + "]" if drill else "")
    )
    for key in REVIEW_FIELDS:
        missing = _("(missing)")
        typer.echo(f"  {review_field_label(key)} [{key}]: {values.get(key, '') or missing}")
    for a in found:
        typer.echo("  " + _action_line(a))


def _action_json(a) -> dict:
    return {
        "id": a.id,
        "incident_id": a.incident_id,
        "text": a.text,
        "owner": a.owner,
        "due_at": a.due_at,
        "status": a.status,
        "done_at": a.done_at,
        "done_by": a.done_by,
        "done_note": a.done_note,
    }


def _action_line(a) -> str:
    state = (
        _("open")
        if a.is_open
        else _("done {time}: {note}").format(time=_local(a.done_at), note=a.done_note)
    )
    return (
        f"{a.id}  {a.incident_id}  "
        + _("{owner}, due {due}").format(owner=a.owner, due=_local(a.due_at))
        + f"  [{state}]  {a.text}"
    )


@action_app.command(
    "add", context_settings=VALUES, help=N_("Add a corrective action to an incident's review.")
)
@guarded
def action_add(
    incident: str,
    text: str,
    owner: Annotated[str, typer.Option("--owner", help=N_("Who does it."))],
    due: Annotated[
        str, typer.Option("--due", help=N_("By when: '2026-11-30 17:00', '+3d', 'in 2 days'."))
    ],
    json_: JsonOpt = False,
) -> None:
    from command_console.core.duties import parse_due
    from command_console.data import actions_duties

    workspace = State.workspace()
    incident_id = _incident_id(incident)
    when = parse_due(due, workspace.clock.now(), workspace.config.zone)
    action_id = actions_duties.add_action(workspace.store, incident_id, text, owner, when)
    if json_:
        emit_json({"id": action_id, "incident_id": incident_id, "due_at": when})
        return
    typer.echo(action_id)


@action_app.command(
    "done", context_settings=VALUES, help=N_("Close a corrective action with a note.")
)
@guarded
def action_done(
    action: str, note: Annotated[str, typer.Option("--note", help=N_("What was done."))] = ""
) -> None:
    from command_console.data import actions_duties

    store = _store()
    action_id = actions_duties.resolve_action(store, action)
    actions_duties.close_action(store, action_id, note)
    typer.echo(_("corrective action {id} closed").format(id=action_id))


@action_app.command("list", help=N_("Every corrective action (overdue ones are marked)."))
@guarded
def action_list(
    open_: Annotated[bool, typer.Option("--open", help=N_("Only the open ones."))] = False,
    json_: JsonOpt = False,
) -> None:
    from command_console.data import queries_duties

    workspace = State.workspace()
    found = queries_duties.actions(workspace.store, open_only=open_)
    if json_:
        emit_json([{**_action_json(a), "overdue": a.overdue(workspace.clock.now())} for a in found])
        return
    for a in found:
        late = " " + _("OVERDUE") if a.overdue(workspace.clock.now()) else ""
        typer.echo(_action_line(a) + late)


# -- routines ------------------------------------------------------------------------------


def routine_states():
    from command_console.core.duties import routine_states as states
    from command_console.data import duties_config, queries, queries_duties

    workspace = State.workspace()
    _rule, routines = duties_config.load(workspace.paths.root)
    store, now = workspace.store, workspace.clock.now()
    shift = queries.current_shift(store)
    since = shift.started_at if shift else now
    done = queries_duties.routine_done_times(store, store.console_id)
    return routines, states(routines, done, since, now, workspace.config.zone), now


@routines_app.command(
    "list",
    help=N_(
        "The shift routines with when each is next due (from duties.toml, else the seeds' defaults)."
    ),
)
@guarded
def routines_list(json_: JsonOpt = False) -> None:
    from command_console.core.timers import format_countdown
    from command_console.i18n import current_language

    _routines, states, now = routine_states()
    if json_:
        emit_json(
            [
                {
                    "id": s.routine.id,
                    "title": s.routine.title,
                    "title_zh": s.routine.title_zh,
                    "every_s": s.routine.every_s,
                    "at": s.routine.at.strftime("%H:%M") if s.routine.at else None,
                    "due_at": s.due_at,
                    "last_done": s.last_done,
                    "overdue": s.overdue(now),
                }
                for s in states
            ]
        )
        return
    for s in states:
        left = s.seconds_left(now)
        state = (_("OVERDUE {countdown}") if left <= 0 else _("due in {countdown}")).format(
            countdown=format_countdown(left)
        )
        last = (
            _("last {time}").format(time=_local(s.last_done, "%H:%M"))
            if s.last_done
            else _("not done yet")
        )
        typer.echo(
            f"{pad(s.routine.id, 16)} {pad(state, 20)} {pad(last, 14)} {s.routine.title_in(current_language())}"
        )


@routines_app.command(
    "done",
    context_settings=VALUES,
    help=N_("Log a routine as done now (its next due time counts from now)."),
)
@guarded
def routines_done(
    routine: str,
    note: Annotated[
        str, typer.Option("--note", help=N_("e.g. sent to whom, what was found."))
    ] = "",
) -> None:
    from command_console.core.matching import resolve
    from command_console.data import actions_duties

    routines, _states, _now = routine_states()
    by_id = {r.id: r for r in routines}
    found = by_id[resolve(routine, list(by_id), _("routine"))]
    actions_duties.routine_done(_store(), found, note)
    typer.echo(_("{routine} done").format(routine=found.id))


@routines_app.command(
    "summary",
    help=N_(
        "The daily summary from the log: an export of today (local midnight to now). Mark it sent with `routines done daily-summary --note 'to whom'`."
    ),
)
@guarded
def routines_summary(
    format_: Annotated[
        str, typer.Option("--format", "-f", help=N_("md | html | csv | json"))
    ] = "md",
    out: Annotated[
        str | None,
        typer.Option(
            "--out", "-o", help=N_("File or folder, '-' for stdout (default: <data dir>/reports/).")
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=N_("Replace an existing file."))] = False,
) -> None:
    from command_console.cli.export import export

    export(
        format_=format_,
        shift_id=None,
        since="00:00",
        until=None,
        out=out,
        force=force,
        bom=False,
        consoles="all",
    )


def split_listing(store, found, archived: bool):
    """(real incidents, drills) of a listing: archived ones only with --archived, else none."""
    from command_console.data import queries_duties

    marked = queries_duties.flags(store)
    shown = [
        i for i in found if (i.id in marked and marked[i.id].archived_at is not None) == archived
    ]
    drills = [i for i in shown if i.id in marked and marked[i.id].drill]
    return [i for i in shown if i not in drills], drills


def drill_mark(incident, real, drills) -> str:
    """A heading line before the first drill, and the DRILL mark on each."""
    if incident not in drills:
        return ""
    heading = (
        _("Drills ({n}), not real incidents").format(n=len(drills)) + "\n"
        if incident is drills[0]
        else ""
    )
    return heading + "[" + _("DRILL") + "] "
