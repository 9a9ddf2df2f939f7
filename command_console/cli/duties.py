"""CLI commands for the duties of an incident: upward reports, archive, drills (the review is
in cli/review.py, the shift routines in cli/routines.py)."""

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
from command_console.cli.commands import _incident_id, _local, _store
from command_console.core.text import pad
from command_console.i18n import N_, _

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
