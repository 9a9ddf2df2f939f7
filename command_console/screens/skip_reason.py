"""Skipping a step needs a reason: one line, Enter confirms, Esc keeps the step open."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from command_console.core.incidents import PlanStepRun
from command_console.core.text import clean
from command_console.widgets.clean_input import CleanInput


class SkipReasonScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, step: PlanStepRun) -> None:
        super().__init__()
        self.step = step

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label(Content(f"Skip step {self.step.position + 1}: {clean(self.step.text)}"), classes="dialog-title")
            yield CleanInput(placeholder="why is this step skipped? Enter confirms, Esc cancels", id="reason")
            yield Static("", id="error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = clean(event.value).strip()
        if not reason:
            self.query_one("#error", Static).update(Text("A skipped step needs a reason"))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
