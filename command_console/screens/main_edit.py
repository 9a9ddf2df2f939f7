"""Fixing mistakes from the main screen: edit the incident (severity, title, start time)
and reopen a step marked done or skipped by mistake. Reuses the ops the CLI writes
(`incident.set`, `step.set` with state pending), so the audit trail keeps both values."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from command_console.core import labels
from command_console.core.incidents import StepState
from command_console.core.text import clean
from command_console.data import actions
from command_console.i18n import _, current_language, ngettext

if TYPE_CHECKING:
    from command_console.app import CommandConsoleApp
    from command_console.core.incidents import Incident
    from command_console.widgets.steps import StepTable


class EditActions:
    """Mixed into MainScreen (uses its incident, steps, write and app)."""

    if TYPE_CHECKING:  # what MainScreen provides

        @property
        def app(self) -> CommandConsoleApp: ...
        @property
        def incident(self) -> Incident | None: ...
        @property
        def steps(self) -> StepTable: ...
        def write(self, change: Callable[[], object], success: str = "") -> None: ...
        def say(self, text: str, *, warning: bool = False) -> None: ...

    def action_edit_incident(self, focus: str = "severity") -> None:
        from command_console.screens.edit_incident import EditIncidentScreen

        incident = self.incident
        if incident is None:
            return

        def edited(fields: list[str] | None) -> None:
            if fields:
                self.say(
                    ngettext(
                        "{id}: {fields} changed", "{id}: {fields} changed", len(fields)
                    ).format(id=incident.id, fields=", ".join(_(f) for f in fields))
                )
                self.app.store_changed()

        self.app.push_screen(EditIncidentScreen(incident, focus), edited)

    def action_reopen_step(self) -> None:
        from command_console.screens.confirm import ConfirmScreen

        incident, step, store = self.incident, self.steps.selected_step, self.app.store
        if incident is None or step is None or step.is_open:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda: actions.set_step(store, incident.id, step.step_id, StepState.PENDING),
                    _("Step {n} reopened").format(n=step.position + 1),
                )

        self.app.push_screen(
            ConfirmScreen(
                _("Reopen step {n} “{text}” ({state})?").format(
                    n=step.position + 1,
                    text=clean(step.text_in(current_language())),
                    state=labels.step_state(step.state),
                )
            ),
            confirmed,
        )

    def edit_refusal(self, action: str) -> str:
        incident, step = self.incident, self.steps.selected_step
        if incident is None:
            return _("No incident selected: n opens one")
        if action == "reopen_step":
            if step is None:
                return _("{id} has no step selected").format(id=incident.id)
            return _("Step {n} is open: u reopens a step done or skipped").format(
                n=step.position + 1
            )
        return ""
