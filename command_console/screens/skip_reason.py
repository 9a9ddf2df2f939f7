"""Skipping a step needs a reason: one line, Enter confirms, Esc keeps the step open."""

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
from command_console.core.incidents import PlanStepRun
from command_console.core.text import LOG_ENTRY_LIMIT, clean, clean_line
from command_console.i18n import N_, _, current_language
from command_console.widgets.clean_input import CleanInput


class SkipReasonScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]

    def __init__(self, step: PlanStepRun) -> None:
        super().__init__()
        self.step = step

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label(
                Content(
                    _("Skip step {n}: {text}").format(
                        n=self.step.position + 1, text=clean(self.step.text_in(current_language()))
                    )
                ),
                classes="dialog-title",
            )
            yield CleanInput(
                placeholder=_("why is this step skipped? Enter confirms, Esc cancels"), id="reason"
            )
            yield Static("", id="error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Checked here, so a refused reason stays in the box to fix, not lost with the dialog."""
        reason = clean(event.value).strip()
        if not reason:
            self.query_one("#error", Static).update(Text(_("A skipped step needs a reason")))
            return
        try:
            clean_line(event.value, field=N_("note"), limit=LOG_ENTRY_LIMIT)
        except UserError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
