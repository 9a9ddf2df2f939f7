"""Closing a corrective action needs a note (what was done): one line, Enter closes it,
Esc keeps it open. Who closed it and when come from the operation (the lead, the clock)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from command_console.core.duties import CorrectiveAction
from command_console.core.errors import UserError
from command_console.core.text import LOG_ENTRY_LIMIT, clean, clean_line
from command_console.i18n import N_, _
from command_console.widgets.clean_input import CleanInput


class CloseActionScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="close_action_cancel")
    ]

    def __init__(self, action: CorrectiveAction) -> None:
        super().__init__()
        self.action = action

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label(
                Content(
                    _("Close corrective action of {id} ({owner}): {text}").format(
                        id=self.action.incident_id,
                        owner=clean(self.action.owner),
                        text=clean(self.action.text),
                    )
                ),
                classes="dialog-title",
            )
            yield CleanInput(
                placeholder=_("what was done? Enter closes it, Esc keeps it open"), id="note"
            )
            yield Static("", id="error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Checked here, so a refused note stays in the box to fix, not lost with the dialog."""
        if not clean(event.value).strip():
            self.query_one("#error", Static).update(
                Text(_("Closing a corrective action needs a note: what was done"))
            )
            return
        try:
            clean_line(event.value, field=N_("note"), limit=LOG_ENTRY_LIMIT)
        except UserError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
