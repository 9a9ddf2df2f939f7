"""CLI for fixing a mistaken incident: change its plan, cancel it, correct or retract a
log entry. Any lead may make these fixes; each op records who made it."""

from __future__ import annotations

from typing import Annotated

import typer

from command_console.cli import VALUES, State, app, guarded, incident_app
from command_console.i18n import N_, _

ReasonOpt = Annotated[
    str,
    typer.Option(
        "--reason", help=N_("Why (required; kept in the audit trail)."), show_default=False
    ),
]


def _incident_id(query: str) -> str:
    from command_console.core.matching import resolve

    return resolve(query, State.workspace().store.incident_ids(), "incident")


@incident_app.command(
    "plan",
    help=N_(
        "Change an incident's plan: the new plan's steps start fresh, timed from now; the old plan's steps stay in the timeline."
    ),
)
@guarded
def incident_plan(incident: str, plan: str) -> None:
    from command_console.data import actions_edit

    workspace = State.workspace()
    incident_id = _incident_id(incident)
    found = workspace.plan(plan)
    actions_edit.change_plan(workspace.store, incident_id, found)
    typer.echo(_("{incident} now follows plan {plan}").format(incident=incident_id, plan=found.id))


@incident_app.command(
    "cancel",
    context_settings=VALUES,
    help=N_(
        "Cancel an incident opened by mistake or twice: kept and shown as cancelled, out of open lists and counts."
    ),
)
@guarded
def incident_cancel(incident: str, reason: ReasonOpt = "") -> None:
    from command_console.data import actions_edit

    incident_id = _incident_id(incident)
    actions_edit.cancel_incident(State.workspace().store, incident_id, reason)
    typer.echo(_("{incident} cancelled").format(incident=incident_id))


@app.command(
    "amend",
    context_settings=VALUES,
    help=N_("Correct or retract a log entry; the original stays in the timeline, marked."),
)
@guarded
def amend(
    incident: str,
    entry: Annotated[
        str,
        typer.Argument(
            help=N_("last, a number counted from the newest log entry (1), or an id prefix.")
        ),
    ],
    text: Annotated[str, typer.Argument(help=N_("The corrected text."))] = "",
    reason: ReasonOpt = "",
    retract: Annotated[
        bool, typer.Option("--retract", help=N_("Retract the entry instead of correcting it."))
    ] = False,
) -> None:
    from command_console.core.errors import UserError
    from command_console.data import actions_edit, queries_edit

    store = State.workspace().store
    incident_id = _incident_id(incident)
    if retract and text:
        raise UserError(_("give the corrected text or --retract, not both"))
    found = queries_edit.find_note(store, incident_id, entry)
    actions_edit.amend_entry(store, incident_id, found.id, text, reason, retract=retract)
    verb = _("retracted") if retract else _("corrected")
    typer.echo(f"{incident_id} {found.id[:8]} {verb}")
