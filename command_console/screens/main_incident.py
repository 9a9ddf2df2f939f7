"""Incidents and their steps from the main screen: open one (n), log a line (l), mark the
selected step done (space) or skip it with a reason (s), acknowledge the ringing alarms (a),
the detail (Enter) and the report (r), resolve (x), and which incidents the list shows (o).
Each write goes through the screen's `write`; the dialogs are imported when first opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from command_console.core.duties import next_incident_view
from command_console.core.incidents import Status, StepState
from command_console.core.text import clean
from command_console.data import actions
from command_console.i18n import _, ngettext

if TYPE_CHECKING:
    from textual import getters
    from textual.screen import Screen as _Screen

    from command_console.app import CommandConsoleApp
    from command_console.core.incidents import Incident
    from command_console.widgets.steps import StepTable
else:
    _Screen = object  # a mixin; typed as the screen it goes into


class IncidentActions(_Screen):
    """Mixed into MainScreen (uses its incident, steps, view, load, write and say)."""

    if TYPE_CHECKING:  # what the screen provides
        app = getters.app(CommandConsoleApp)

        @property
        def incident(self) -> Incident | None: ...
        @property
        def steps(self) -> StepTable: ...

        view: str

        def load(self) -> object: ...
        def write(self, change: Callable[[], object], success: str = "") -> None: ...
        def say(self, text: str, *, warning: bool = False) -> None: ...

    def _alarming(self) -> list:
        incident, now = self.incident, self.app.clock.now()
        if incident is None:
            return []
        return [
            s
            for s in incident.steps
            if s.is_open and s.due_at and s.due_at <= now and s.acked_at is None
        ]

    def action_new_incident(self) -> None:
        from command_console.screens.new_incident import NewIncidentScreen

        def opened(incident_id: str | None) -> None:
            if incident_id:
                self.app.store_changed(select=incident_id)

        self.app.push_screen(NewIncidentScreen(), opened)

    def action_quick_log(self) -> None:
        from command_console.screens.quick_log import QuickLogScreen

        incident = self.incident
        if incident is None:
            return

        def logged(text: str | None) -> None:
            if text:
                self.say(_("Logged on {id}: {text}").format(id=incident.id, text=clean(text)))
            self.app.store_changed()

        self.app.push_screen(QuickLogScreen(incident), logged)

    def action_step_done(self) -> None:
        incident, step, store = self.incident, self.steps.selected_step, self.app.store
        if incident and step and step.is_open:
            self.write(
                lambda: actions.set_step(store, incident.id, step.step_id, StepState.DONE),
                _("Step {n} done").format(n=step.position + 1),
            )

    def action_skip_step(self) -> None:
        from command_console.screens.skip_reason import SkipReasonScreen

        incident, step, store = self.incident, self.steps.selected_step, self.app.store
        if not (incident and step and step.is_open):
            return

        def skip(reason: str | None) -> None:
            if reason:
                self.write(
                    lambda: actions.set_step(
                        store, incident.id, step.step_id, StepState.SKIPPED, reason
                    ),
                    _("Step {n} skipped: {reason}").format(
                        n=step.position + 1, reason=clean(reason)
                    ),
                )

        self.app.push_screen(SkipReasonScreen(step), skip)

    def action_acknowledge(self) -> None:
        incident, steps, store = self.incident, self._alarming(), self.app.store
        if incident and steps:

            def ack() -> None:
                for step in steps:
                    actions.acknowledge_step(store, incident.id, step.step_id)

            self.write(
                ack,
                ngettext(
                    "Acknowledged {n} alarm on {id}", "Acknowledged {n} alarms on {id}", len(steps)
                ).format(n=len(steps), id=incident.id),
            )

    def action_detail(self) -> None:
        from command_console.screens.detail import DetailScreen

        if self.incident is not None:
            self.app.push_screen(DetailScreen(self.incident.id))

    def action_report(self) -> None:
        from command_console.screens.report import ReportScreen

        if self.incident is not None:
            self.app.push_screen(
                ReportScreen(self.incident.id), lambda _result: self.app.store_changed()
            )

    def action_resolve(self) -> None:
        from command_console.screens.confirm import ConfirmScreen

        incident, store = self.incident, self.app.store
        if incident is None:
            return
        if not incident.is_open:
            closed = (
                _("{id} is cancelled") if incident.is_cancelled else _("{id} is already resolved")
            )
            self.app.refuse(closed.format(id=incident.id))
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda: actions.set_status(store, incident.id, Status.RESOLVED),
                    _("Resolved {id}").format(id=incident.id),
                )

        still_open = sum(1 for s in incident.steps if s.is_open)
        question = _("Resolve {id} “{title}”?").format(id=incident.id, title=clean(incident.title))
        if still_open:
            question += " " + ngettext(
                "{n} step is still open.", "{n} steps are still open.", still_open
            ).format(n=still_open)
        self.app.push_screen(ConfirmScreen(question), confirmed)

    def action_toggle_resolved(self) -> None:
        self.view = next_incident_view(self.view)
        self.load()
