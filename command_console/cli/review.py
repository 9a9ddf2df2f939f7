"""CLI commands for the post-incident review and its corrective actions."""

from __future__ import annotations

from typing import Annotated

import typer

from command_console.cli import VALUES, JsonOpt, State, app, emit_json, guarded
from command_console.cli.commands import _incident_id, _local, _store
from command_console.i18n import N_, _

review_app = typer.Typer(
    help=N_("The post-incident review: cause, lessons, corrective actions."), no_args_is_help=True
)
action_app = typer.Typer(help=N_("Corrective actions of a review."), no_args_is_help=True)
review_app.add_typer(action_app, name="action")
app.add_typer(review_app, name="review")


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
