"""Quick log: one line for the selected incident. Enter stores it durably, Esc cancels.
The line stays in the box until the store has it, so nothing typed is lost on an error."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from command_console.core.errors import UserError
from command_console.core.incidents import Incident
from command_console.core.text import clean
from command_console.data import actions
from command_console.i18n import N_, _
from command_console.screens.saving import CANNOT_WRITE
from command_console.widgets.clean_input import CleanInput

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp


class QuickLogScreen(ModalScreen[str | None]):
    """Dismisses with the stored text (None: cancelled)."""

    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]

    def __init__(self, incident: Incident) -> None:
        super().__init__()
        self.incident = incident
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label(
                Content(
                    _("Log · {id} {title}").format(
                        id=self.incident.id, title=clean(self.incident.title)
                    )
                ),
                classes="dialog-title",
            )
            yield CleanInput(
                placeholder=_("what happened — Enter stores it, Esc cancels"), id="entry"
            )
            yield Static("", id="error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not self.saving:
            self.saving = True
            self.app.hold_keys()  # keys typed after Enter are for the main screen, not this box
            self.store_entry(event.value)

    @work(thread=True, exclusive=True, group="log")
    def store_entry(self, text: str) -> None:
        try:
            actions.log(self.app.store, self.incident.id, text)
        except UserError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        except CANNOT_WRITE as exc:  # disk full, database locked: the line stays to retry
            self.app.call_from_thread(
                self.failed,
                _("Not saved, your text is kept: Enter tries again ({error})").format(error=exc),
            )
            return
        self.app.call_from_thread(self.stored, text)

    def stored(self, text: str) -> None:
        self.dismiss(text)
        self.app.release_keys()

    def failed(self, message: str) -> None:
        self.saving = False
        self.query_one("#error", Static).update(Text(message))
        self.app.release_keys()

    def action_cancel(self) -> None:
        self.dismiss(None)
