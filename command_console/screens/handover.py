"""End-of-shift handover: the summary built from the store, a free-text note, the
outgoing lead's signature and the incoming lead's name. Enter on the last box (or the
button) hands over; Esc closes without writing anything."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from command_console.core.errors import UserError
from command_console.core.handover import HandoverSummary, summary_lines
from command_console.core.incidents import Shift
from command_console.core.text import clean
from command_console.i18n import N_, _
from command_console.widgets.clean_input import CleanInput
from command_console.widgets.clean_text_area import CleanTextArea

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp


def summary_text(summary: HandoverSummary, zone) -> Text:
    """The summary as plain styled text (never markup): headings bold, overdue red."""
    text = Text()
    overdue = _("OVERDUE")  # the lines say it in the chosen language: 已超时
    for line in summary_lines(summary, zone):
        line = clean(line)
        style = "bold" if not line.startswith(" ") else ("bold red" if overdue in line else "")
        text.append(line + "\n", style=style)
    return text


class HandoverScreen(ModalScreen[str | None]):
    """Dismisses with the new shift id after a handover, None when closed."""

    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    DEFAULT_CSS = """
    HandoverScreen { align: center middle; }
    #handover-dialog { width: 96; max-width: 100%; height: 100%; max-height: 44; border: thick $accent;
                       background: $surface; padding: 0 1; }
    #handover-dialog .title { text-style: bold; width: 100%; }
    #handover-summary { height: 1fr; min-height: 4; border: round $primary; }
    #handover-note { height: 4; min-height: 3; }
    #handover-dialog Input { width: 1fr; }
    #handover-dialog Horizontal.row { height: 1; margin-top: 1; }
    #handover-dialog Label.field { width: 29; padding: 0 1 0 0; }
    #handover-error { color: $error; height: auto; }
    #handover-buttons { height: auto; align: right middle; }
    #handover-buttons Button { height: 1; min-width: 12; border: none; margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="handover_close")
    ]

    class Built(Message):
        def __init__(self, summary: HandoverSummary, shift: Shift | None) -> None:
            super().__init__()
            self.summary, self.shift = summary, shift

    class Finished(Message):
        def __init__(self, new_shift: str | None, lead: str, error: str = "") -> None:
            super().__init__()
            self.new_shift, self.lead, self.error = new_shift, lead, error

    def __init__(self, workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.summary: HandoverSummary | None = None
        self.shift: Shift | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="handover-dialog"):
            yield Label(_("Shift handover — loading…"), id="handover-title", classes="title")
            with VerticalScroll(id="handover-summary"):
                yield Static(_("Building the summary…"), id="handover-body")
            yield Label(_("Note for the next lead (free text, Tab to the next box):"))
            yield CleanTextArea(id="handover-note", tab_behavior="focus", soft_wrap=True)
            with Horizontal(classes="row"):
                yield Label(_("Outgoing lead, Enter signs:"), classes="field")
                yield CleanInput(
                    placeholder=_("the lead on shift"),
                    id="handover-outgoing",
                    compact=True,
                    select_on_focus=False,
                )
            with Horizontal(classes="row"):
                yield Label(_("Incoming lead acknowledges:"), classes="field")
                yield CleanInput(
                    placeholder=_("incoming lead's name — Enter hands over"),
                    id="handover-incoming",
                    compact=True,
                )
            yield Static("", id="handover-error")
            with Horizontal(id="handover-buttons"):
                yield Button(_("Hand over"), id="handover-go", variant="primary", compact=True)
                yield Button(_("Close (Esc)"), id="handover-cancel", compact=True)

    def on_mount(self) -> None:
        from command_console.data import queries

        # The lead on shift is filled in before the first key can reach the box (one quick
        # read; the summary comes later from a worker): Tab, Enter signs, even typed at once.
        shift = queries.current_shift(self.workspace.store)
        if shift is not None:
            outgoing = self.query_one("#handover-outgoing", Input)
            outgoing.value = clean(shift.lead)
            outgoing.cursor_position = len(outgoing.value)
        self.load()
        self.set_focus(self.query_one("#handover-note", TextArea))

    def load(self) -> None:
        """Rebuild the summary (the app calls this whenever the store changes)."""
        if not self.saving:
            self.build()

    @work(thread=True, exclusive=True, group="handover-build")
    def build(self) -> None:
        from command_console.data import queries, shift

        store = self.workspace.store
        self.post_message(self.Built(shift.summary(store), queries.current_shift(store)))

    def on_handover_screen_built(self, message: Built) -> None:
        self.summary, self.shift = message.summary, message.shift
        zone = self.workspace.config.zone
        lead = (
            _("shift {id}, lead {lead}").format(id=message.shift.id, lead=clean(message.shift.lead))
            if message.shift
            else _("no shift running")
        )
        self.query_one("#handover-title", Label).update(
            Content(_("Shift handover — {lead}").format(lead=lead))
        )

        self.query_one("#handover-body", Static).update(summary_text(message.summary, zone))

    @on(Input.Submitted, "#handover-outgoing")
    def next_box(self) -> None:
        self.set_focus(self.query_one("#handover-incoming", Input))

    @on(Input.Submitted, "#handover-incoming")
    @on(Button.Pressed, "#handover-go")
    def submit(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one("#handover-error", Static).update("")
        self.commit(
            self.query_one("#handover-outgoing", Input).value,
            self.query_one("#handover-incoming", Input).value,
            self.query_one("#handover-note", TextArea).text,
        )

    @work(thread=True, exclusive=True, group="handover-commit")
    def commit(self, outgoing: str, incoming: str, note: str) -> None:
        from command_console.data import shift

        try:
            _, new_id = shift.handover(
                self.workspace.store, outgoing=outgoing, incoming=incoming, note=note
            )
        except UserError as exc:
            self.post_message(self.Finished(None, "", str(exc)))
            return
        self.workspace.refresh_author()
        self.post_message(self.Finished(new_id, self.workspace.store.author))

    def on_handover_screen_finished(self, message: Finished) -> None:
        self.saving = False
        if message.error:
            self.query_one("#handover-error", Static).update(Text(message.error))
            return
        self.app.handed_over = (
            self.shift.id if self.shift else None
        )  # the export's default window now
        self.dismiss(message.new_shift)
        say = getattr(self.app, "say", None) or self.app.notify
        say(
            _("Shift handed over; {lead} now leads shift {id}").format(
                lead=clean(message.lead), id=message.new_shift
            )
        )

    @on(Button.Pressed, "#handover-cancel")
    def action_close(self) -> None:
        self.dismiss(None)
