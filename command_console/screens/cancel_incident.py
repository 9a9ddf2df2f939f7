"""Cancel a mistaken incident (opened by mistake, a duplicate): one line of reason, Enter
cancels it, Esc keeps it. The incident stays in the audit, shown as cancelled."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from command_console.core.errors import UserError
from command_console.core.incidents import Incident
from command_console.core.text import LOG_ENTRY_LIMIT, clean, clean_line
from command_console.i18n import N_, _
from command_console.widgets.clean_input import CleanInput


class CancelIncidentScreen(ModalScreen[str | None]):
    """Dismisses with the reason (None: the incident is kept as it is)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Keep it"), id="cancel_incident_close")
    ]

    def __init__(self, incident: Incident) -> None:
        super().__init__()
        self.incident = incident

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label(
                Content(
                    _(
                        "Cancel {id} “{title}”? Opened by mistake or twice: it stays in the "
                        "audit as cancelled, out of every count"
                    ).format(id=self.incident.id, title=clean(self.incident.title))
                ),
                classes="dialog-title",
            )
            yield CleanInput(
                placeholder=_("why, e.g. duplicate of 2-k7qd — Enter cancels it, Esc keeps it"),
                id="cancel-reason",
            )
            yield Static("", id="error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Checked here, so a refused reason stays in the box to fix."""
        if not clean(event.value).strip():
            self.query_one("#error", Static).update(Text(_("Cancelling needs a reason")))
            return
        try:
            clean_line(event.value, field=N_("reason"), limit=LOG_ENTRY_LIMIT)
        except UserError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            return
        self.dismiss(event.value)

    def action_close(self) -> None:
        self.dismiss(None)
