"""Correct or retract a log entry: pick the entry (newest first), Enter to edit its text,
Tab to the reason, Enter saves. An emptied text retracts the entry (Enter twice). The
original stays in the timeline, marked with the correction; any lead may correct."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from command_console.core import corrections
from command_console.core.errors import UserError
from command_console.core.incidents import Incident, TimelineEntry
from command_console.core.text import LOG_ENTRY_LIMIT, clean, clean_line
from command_console.core.when import local
from command_console.i18n import N_, _

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp


@dataclass(frozen=True)
class Amend:
    entry: TimelineEntry
    text: str  # "" when retract
    reason: str
    retract: bool


class AmendEntryScreen(ModalScreen[Amend | None]):
    """Dismisses with the correction to write (None: closed)."""

    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Cancel"), id="amend_close"),
    ]

    def __init__(self, incident: Incident, notes: list[TimelineEntry]) -> None:
        super().__init__()
        self.incident = incident
        self.notes = notes  # newest first
        self.retract_asked = False

    def compose(self) -> ComposeResult:
        from command_console.widgets.clean_input import CleanInput

        with Vertical(id="dialog"):
            yield Label(
                Content(
                    _(
                        "Correct a log entry of {id} · ↑↓ picks · Enter edits · Tab moves · "
                        "Enter saves · Esc"
                    ).format(id=self.incident.id)
                ),
                classes="dialog-title",
            )
            yield OptionList(*[self.option(n) for n in self.notes], id="amend-entries")
            yield CleanInput(
                placeholder=_("corrected text (empty: retract the entry)"),
                id="amend-text",
                compact=True,
                select_on_focus=False,
            )
            yield CleanInput(
                placeholder=_("why (required, kept in the audit)"), id="amend-reason", compact=True
            )
            yield Static("", id="error", classes="error")

    def option(self, note: TimelineEntry) -> Option:
        zone = self.app.config.zone
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(local(note.at, zone, "%H:%M:%S") + " ", style="dim")
        line.append(clean(note.author) + ": ", style="italic")
        if note.amendment is None:
            line.append(clean(note.text))
        else:
            line.append(clean(note.text), style="strike dim")
            line.append(" " + clean(corrections.current_text(note)))
            line.append(" (" + _("retracted") + ")" if note.amendment.retracted else "", "dim")
        return Option(line, id=note.id)

    def on_mount(self) -> None:
        entries = self.query_one(OptionList)
        entries.highlighted = 0
        self.prefill()
        self.set_focus(entries)

    @property
    def entry(self) -> TimelineEntry | None:
        index = self.query_one(OptionList).highlighted
        return self.notes[index] if index is not None and index < len(self.notes) else None

    def prefill(self) -> None:
        entry = self.entry
        text = self.query_one("#amend-text", Input)
        text.value = clean(corrections.current_text(entry)) if entry else ""
        text.cursor_position = len(text.value)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.retract_asked = False
        self.prefill()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.set_focus(self.query_one("#amend-text"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "amend-text":
            self.set_focus(self.query_one("#amend-reason"))
        else:
            self.save()

    def say(self, message: str) -> None:
        self.query_one("#error", Static).update(Text(message))

    def save(self) -> None:
        entry = self.entry
        text = self.query_one("#amend-text", Input).value
        reason = self.query_one("#amend-reason", Input).value
        if entry is None:
            return
        if not clean(reason).strip():
            self.say(_("A correction needs a reason"))
            return
        try:
            clean_line(reason, field=N_("reason"), limit=LOG_ENTRY_LIMIT)
            if clean(text).strip():
                clean_line(text, field=N_("log entry"), limit=LOG_ENTRY_LIMIT)
        except UserError as exc:
            self.say(str(exc))
            return
        retract = not clean(text).strip()
        if retract and not self.retract_asked:
            self.retract_asked = True
            self.say(_("The text is empty: Enter again retracts the entry (it stays, struck)"))
            return
        self.dismiss(Amend(entry, "" if retract else text, reason, retract))

    def action_close(self) -> None:
        self.dismiss(None)
