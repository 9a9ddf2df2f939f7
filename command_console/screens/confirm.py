"""Yes / no confirmation for actions that cannot be undone with one key."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label

from command_console.i18n import N_, _


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm_yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label(Content(self.question), classes="dialog-title")
            yield Label(_("y  yes    n / Esc  no"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
