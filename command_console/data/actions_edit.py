"""Fixing a mistaken incident: change its plan, cancel it, correct or retract a log entry.

Any lead may make these fixes (a shift lead fixes what the previous shift mistyped); each
op carries its author's name, and nothing is deleted: the old plan's steps stay in the
timeline, a cancelled incident stays listed as cancelled, a corrected entry keeps its
original text beside the correction. Each raises UserError (nothing written) on bad input.
"""

from __future__ import annotations

from command_console.core import labels
from command_console.core import text as clean
from command_console.core.errors import UserError
from command_console.core.incidents import EntryKind, Status
from command_console.core.ops import Op
from command_console.core.plans import Plan
from command_console.data.store import Store
from command_console.i18n import N_, _, current_language


def _reason(reason: str) -> str:
    if not clean.clean(reason).strip():
        raise UserError(_("a reason is needed (who reads the audit later asks why)"))
    return clean.clean_line(reason, field=N_("reason"), limit=clean.LOG_ENTRY_LIMIT)


def change_plan(store: Store, incident_id: str, plan: Plan) -> Op:
    """The incident's plan becomes `plan`: its steps start fresh, timed from now."""
    from command_console.data import queries
    from command_console.data.actions import plan_snapshot

    incident = queries.get_incident(store, incident_id)
    if not incident.is_open:
        raise UserError(
            _("{id} is {status}: its plan cannot change").format(
                id=incident_id, status=labels.status(incident.status)
            )
        )
    if plan.id == incident.plan_id:
        raise UserError(
            _("{id} already follows plan {plan}").format(
                id=incident_id, plan=plan.title_in(current_language())
            )
        )
    base = store.last_writer("incident:" + incident_id, "plan")
    return store.append(
        "incident.plan", {"id": incident_id, "plan": plan_snapshot(plan), "base": base}
    )


def cancel_incident(store: Store, incident_id: str, reason: str) -> Op:
    """Opened by mistake or a duplicate: kept and shown as cancelled, out of every count."""
    from command_console.data import queries

    incident = queries.get_incident(store, incident_id)
    if incident.status == Status.CANCELLED:
        raise UserError(_("{id} is already cancelled").format(id=incident_id))
    base = store.last_writer("incident:" + incident_id, "status")
    return store.append(
        "incident.cancel", {"id": incident_id, "reason": _reason(reason), "base": base}
    )


def amend_entry(
    store: Store, incident_id: str, entry_id: str, text: str, reason: str, *, retract: bool = False
) -> Op:
    """Correct a log note (new text) or retract it (retract=True); the original stays."""
    from command_console.data import queries_edit

    notes = {n.id: n for n in queries_edit.log_notes(store, incident_id)}
    entry = notes.get(entry_id)
    if entry is None:
        raise UserError(
            _(
                "{id} has no log entry {entry}: typed log entries and call lines can be fixed"
            ).format(id=incident_id, entry=entry_id[:8])
        )
    reason = _reason(reason)
    if entry.amendment is not None and entry.amendment.retracted and retract:
        raise UserError(_("that log entry is already retracted"))
    if entry.kind == EntryKind.CALL and not retract:
        raise UserError(_("a call line can only be retracted (then log the call that was made)"))
    new_text = ""
    if not retract:
        if not clean.clean(text).strip():
            raise UserError(_("the corrected text is empty: retract the entry instead"))
        new_text = clean.clean_line(text, field=N_("log entry"), limit=clean.LOG_ENTRY_LIMIT)
        current = entry.amendment.text if entry.amendment else entry.text
        if new_text == current and not (entry.amendment and entry.amendment.retracted):
            raise UserError(_("the corrected text is the same as the entry's"))
    return store.append(
        "entry.amend",
        {
            "incident_id": incident_id,
            "entry_id": entry_id,
            "text": new_text,
            "retracted": retract,
            "reason": reason,
        },
    )
