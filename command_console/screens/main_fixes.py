"""Fixing a mistaken incident from the main screen (and the detail): change its plan (p),
cancel it with a reason (X), correct or retract a log entry (m). Each writes one op
(data/actions_edit.py); nothing is deleted, every fix is in the timeline with its author."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from command_console.core import labels
from command_console.core.text import clean
from command_console.data import actions_edit
from command_console.i18n import _, current_language

if TYPE_CHECKING:
    from command_console.app import CommandConsoleApp
    from command_console.core.incidents import Incident
    from command_console.core.plans import Plan
    from command_console.screens.amend_entry import Amend


class FixActions:
    """Mixed into MainScreen and DetailScreen (uses their incident, write and app)."""

    if TYPE_CHECKING:  # what the screen provides

        @property
        def app(self) -> CommandConsoleApp: ...
        @property
        def incident(self) -> Incident | None: ...
        def write(self, change: Callable[[], object], success: str = "") -> None: ...

    def action_change_plan(self) -> None:
        from command_console.screens.change_plan import ChangePlanScreen

        incident, store = self.incident, self.app.store
        if incident is None:
            return
        if not incident.is_open:
            self.app.refuse(
                _("{id} is {status}: its plan cannot change").format(
                    id=incident.id, status=labels.status(incident.status)
                )
            )
            return

        def chosen(plan: Plan | None) -> None:
            if plan is not None:
                self.write(
                    lambda: actions_edit.change_plan(store, incident.id, plan),
                    _("{id} now follows plan {plan}: its steps start now").format(
                        id=incident.id, plan=clean(plan.title_in(current_language()))
                    ),
                )

        self.app.push_screen(ChangePlanScreen(incident), chosen)

    def action_cancel_incident(self) -> None:
        from command_console.screens.cancel_incident import CancelIncidentScreen

        incident, store = self.incident, self.app.store
        if incident is None:
            return
        if incident.is_cancelled:
            self.app.refuse(_("{id} is already cancelled").format(id=incident.id))
            return

        def confirmed(reason: str | None) -> None:
            if reason:
                self.write(
                    lambda: actions_edit.cancel_incident(store, incident.id, reason),
                    _("Cancelled {id}: {reason}").format(id=incident.id, reason=clean(reason)),
                )

        self.app.push_screen(CancelIncidentScreen(incident), confirmed)

    def action_amend_entry(self) -> None:
        from command_console.data import queries_edit
        from command_console.screens.amend_entry import AmendEntryScreen

        incident, store = self.incident, self.app.store
        if incident is None:
            return
        notes = queries_edit.log_notes(store, incident.id)  # one indexed read, like a reload
        if not notes:
            self.app.refuse(
                _("{id} has no log entry to correct: l logs one").format(id=incident.id)
            )
            return

        def amended(fix: Amend | None) -> None:
            if fix is None:
                return
            self.write(
                lambda: actions_edit.amend_entry(
                    store, incident.id, fix.entry.id, fix.text, fix.reason, retract=fix.retract
                ),
                (
                    _("Retracted on {id}: {text}")
                    if fix.retract
                    else _("Corrected on {id}: {text}")
                ).format(id=incident.id, text=clean(fix.text or fix.entry.text)),
            )

        self.app.push_screen(AmendEntryScreen(incident, notes), amended)
