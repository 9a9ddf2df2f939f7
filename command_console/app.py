"""The Textual app: screen stack, app-wide bindings, user keymap, store polling."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, TextArea

from command_console import palette_text
from command_console.core.clock import Clock
from command_console.data.drafts import DraftStore
from command_console.i18n import N_, _, ngettext
from command_console.typeahead import TypeAheadApp
from command_console.workspace import Workspace

if TYPE_CHECKING:
    from command_console.data.sync import Syncer

POLL_S = 0.75
SYNC_POLL_S = 0.2  # cheap check whether a pass is due (data/sync/pacing.py)
SYNC_EVERY_S = 1.0
GIL_SWITCH_S = 0.001
CHECKPOINT_S = 5.0  # the store's WAL is copied into the database here, not in a commit

COMMANDS_FOR_MAIN = (
    (N_("New incident"), N_("Open an incident from a plan (n)"), "new_incident"),
    (N_("Quick log"), N_("Log one line on the selected incident (l)"), "quick_log"),
    (N_("Step done"), N_("Mark the selected step done (space)"), "step_done"),
    (N_("Skip step"), N_("Skip the selected step with a reason (s)"), "skip_step"),
    (
        N_("Acknowledge alarms"),
        N_("Silence the selected incident's overdue alarms (a)"),
        "acknowledge",
    ),
    (N_("Incident detail"), N_("Whole timeline of the selected incident (enter)"), "detail"),
    (N_("Report form"), N_("The seven-field report of the selected incident (r)"), "report"),
    (N_("Roster"), N_("Filter the contact roster (c)"), "roster"),
    (N_("Copy number"), N_("Copy the selected contact's number (y)"), "copy_number"),
    (N_("Resolve incident"), N_("Resolve the selected incident, with confirmation (x)"), "resolve"),
    (
        N_("Show / hide resolved"),
        N_("Toggle resolved incidents in the list (o)"),
        "toggle_resolved",
    ),
    (
        N_("Change severity"),
        N_("Edit the selected incident's severity (i)"),
        "edit_incident:severity",
    ),
    (N_("Edit title"), N_("Edit the selected incident's title (i, Tab)"), "edit_incident:title"),
    (
        N_("Change start time"),
        N_("Correct when the selected incident started (i, Tab Tab)"),
        "edit_incident:started",
    ),
    (
        N_("Reopen step"),
        N_("Reopen the selected step, done or skipped by mistake (u)"),
        "reopen_step",
    ),
    (N_("Change plan"), N_("Change the selected incident's plan, picked wrong (p)"), "change_plan"),
    (
        N_("Correct log entry"),
        N_("Correct or retract a log entry; the original stays, marked (m)"),
        "amend_entry",
    ),
    (
        N_("Cancel incident"),
        N_("Cancel an incident opened by mistake or twice, with a reason (X)"),
        "cancel_incident",
    ),
    (N_("Handover"), N_("End-of-shift handover: summary, note, signatures (h)"), "app.handover"),
    (
        N_("Export shift report"),
        N_("Markdown, HTML, CSV and JSON at once, into the reports folder (e)"),
        "app.export",
    ),
    (N_("Call: reached"), N_("Log a call to the selected contact: reached (1)"), "call:reached"),
    (
        N_("Call: no answer"),
        N_("Log a call to the selected contact: no answer (2)"),
        "call:no answer",
    ),
    (
        N_("Call: left message"),
        N_("Log a call to the selected contact: left message (3)"),
        "call:left message",
    ),
)


class CommandConsoleApp(TypeAheadApp):
    CSS_PATH = "app.tcss"
    TITLE = "Command Console"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", N_("Quit"), id="quit"),
        Binding("question_mark", "help", N_("Help"), id="help"),
        Binding(
            "h", "handover", N_("Handover"), id="handover", tooltip=N_("End-of-shift handover")
        ),
        Binding(
            "e",
            "export",
            N_("Export"),
            id="export",
            tooltip=N_("Export the shift report (md, html, csv, json)"),
        ),
    ]

    sync_status: reactive[str] = reactive("sync: off")
    """The sync segment of the status line; set by the sync machinery."""

    def __init__(self, workspace: Workspace, clock: Clock | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.clock = clock or workspace.clock
        self.config = workspace.config
        self.store = workspace.store
        self.seen_head = -1
        self.drafts = DraftStore(workspace.paths.root / "drafts")
        self.set_keymap(dict(self.config.keymap))
        self.syncer: Syncer | None = None  # made on the first sync pass, in its worker
        self.last_checkpoint = 0.0
        self.handed_over: str | None = (
            None  # the shift handed over here last: the export's default window
        )

    def on_mount(self) -> None:
        from command_console.screens.main import MainScreen

        # Workers (the quick-log write, reloads) wait for the GIL while the UI thread paints,
        # once per SQLite call; at Python's default 5 ms per hand-off an Enter in the quick
        # log took up to 35 ms to be durable. 1 ms keeps it within a few ms.
        sys.setswitchinterval(GIL_SWITCH_S)
        self.push_screen(MainScreen())
        self.set_interval(POLL_S, self.poll_store)
        self.store.checkpoint_in_background()
        if self.config.sync_dir or self.config.sync_url:
            self.set_interval(SYNC_POLL_S, self._sync)

    # -- sync with other consoles (in a worker: never blocks typing) ------------

    @work(thread=True, exclusive=True, group="sync")
    def _sync(self) -> None:
        syncer = self.syncer
        if syncer is None:
            from command_console.data.sync import Syncer

            syncer = self.syncer = Syncer(self.workspace)
        if syncer.due(SYNC_EVERY_S):
            syncer.sync_once(paced=True)
        self.call_from_thread(setattr, self, "sync_status", syncer.status_text())

    # -- store changes -------------------------------------------------------

    def poll_store(self) -> None:
        self._check_head()

    @work(thread=True, exclusive=True, group="poll")
    def _check_head(self) -> None:
        head = self.store.head()
        if head != self.seen_head:
            self.call_from_thread(self._head_moved, head)
        if time.monotonic() - self.last_checkpoint >= CHECKPOINT_S:
            self.last_checkpoint = time.monotonic()
            self.store.checkpoint()

    def _head_moved(self, head: int) -> None:
        if head != self.seen_head:
            self.seen_head = head
            self.store_changed()

    def store_changed(self, select: str | None = None) -> None:
        """Something was committed (here, by the CLI or another console): every screen reloads."""
        from command_console.screens.main import MainScreen

        for screen in self.screen_stack:
            if select and isinstance(screen, MainScreen):
                screen.want_select = select
            if hasattr(screen, "load"):
                screen.load()

    # -- quitting ------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit from the main screen only, and ask first while incidents are open or alarms
        ring: alarms stop ringing on this console when it closes, and nobody would be told."""
        from command_console.screens.confirm import ConfirmScreen
        from command_console.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen) or isinstance(self.focused, (Input, TextArea)):
            self.refuse(_("The console quits only from the main screen: Esc closes this first"))
            return
        open_count, ringing = screen.open_and_ringing()
        if not open_count and not ringing:
            self.exit()
            return
        # One sentence per case, each translated whole: Chinese puts the question last.
        incidents = ngettext("{n} incident open", "{n} incidents open", open_count).format(
            n=open_count
        )
        alarms = ngettext("{n} alarm ringing", "{n} alarms ringing", ringing).format(n=ringing)
        asked = (
            _("Quit with {incidents} and {alarms}?").format(incidents=incidents, alarms=alarms)
            if ringing
            else _("Quit with {incidents}?").format(incidents=incidents)
        )
        question = " ".join((asked, _("Alarms stop on this console when it closes.")))
        self.push_screen(ConfirmScreen(question), lambda yes: self.exit() if yes else None)

    # -- help and palette ----------------------------------------------------

    def action_handover(self) -> None:
        from command_console.screens.handover import HandoverScreen

        if not isinstance(self.screen, HandoverScreen):
            self.push_screen(HandoverScreen(self.workspace), lambda _result: self.store_changed())

    def action_export(self) -> None:
        from command_console.screens.export import ExportScreen

        if not isinstance(self.screen, ExportScreen):
            # Right after a handover the report wanted is the shift just handed over.
            self.push_screen(
                ExportScreen(self.workspace, window="previous" if self.handed_over else "")
            )

    def action_command_palette(self) -> None:
        """Textual's palette, with its search placeholder in the chosen language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = _(palette_text.SEARCH_PLACEHOLDER)
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_help(self) -> None:
        from command_console.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from command_console.screens.main import MainScreen

        yield from palette_text.translated(super().get_system_commands(screen))
        if isinstance(screen, MainScreen):
            for title, help_text, action in COMMANDS_FOR_MAIN:
                title, help_text = _(title), _(help_text)
                if action.startswith("app."):
                    yield SystemCommand(title, help_text, getattr(self, f"action_{action[4:]}"))
                elif action.startswith("edit_incident:"):
                    focus = action.split(":", 1)[1]
                    yield SystemCommand(
                        title, help_text, lambda f=focus: screen.action_edit_incident(f)
                    )
                elif action.startswith("call:"):
                    outcome = action.split(":", 1)[1]
                    yield SystemCommand(
                        title, help_text, lambda o=outcome: screen.roster.table.action_call(o)
                    )
                else:
                    yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))
        yield SystemCommand(_("Help"), _("Every key and what it does (?)"), self.action_help)


def run(workspace: Workspace) -> None:
    app = CommandConsoleApp(workspace)
    try:
        app.run()
    finally:
        if app.syncer is not None:
            app.syncer.close()
