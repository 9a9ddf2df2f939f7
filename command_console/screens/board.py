"""The board: every console and site at once, read-only (`command-console board`, or `b` in
the console). Sites with their leads on shift and counts up top; below, one row per open
incident, grouped by site, most severe first. Refreshes itself; Enter shows an incident."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from command_console import app as app_module
from command_console.app import POLL_S, SYNC_POLL_S, CommandConsoleApp
from command_console.core import labels
from command_console.core.timers import format_age
from command_console.core.when import local
from command_console.data.board import Board, BoardIncident, SiteSummary, late_label, read_board
from command_console.i18n import N_, _, ngettext
from command_console.screens.detail import DetailScreen
from command_console.widgets import cells
from command_console.widgets.footer import KeyFooter
from command_console.widgets.keyed_table import KeyedTable
from command_console.widgets.status import SYNC_OFF

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp

REFRESH_S = 1.0  # the database is read again this often (and at once when it changes)
FIXED = {"sev": 10, "late": 7, "steps": 5, "reports": 7, "age": 5}
MIN_SITE, MAX_SITE, MIN_TITLE = 10, 32, 8
WIDE = 100  # cells: narrower, the age column goes (the detail shows the start)


class BoardTable(KeyedTable):
    """One row per open incident; row key = incident id."""

    def on_mount(self) -> None:
        for key, label in (
            ("site", _("Site")),
            ("sev", _("Severity")),
            ("title", _("Incident")),
            ("late", _("Late")),
            ("steps", _("Steps")),
            ("reports", _("Reports")),
            ("age", _("Age")),
        ):
            self.add_column(label, key=key, width=FIXED.get(key, MIN_TITLE))

    def on_resize(self) -> None:
        """Site and title share what the fixed columns leave; below WIDE the age goes."""
        if not self.columns:
            return
        age = FIXED["age"] if self.size.width >= WIDE else 0
        fixed = sum(FIXED.values()) - FIXED["age"] + age
        rest = self.size.width - 2 - 2 * (len(self.columns) - (0 if age else 1)) - fixed
        site = max(MIN_SITE, min(MAX_SITE, rest // 3))
        self.set_widths({"age": age, "site": site, "title": max(MIN_TITLE, rest - site)})

    def show(self, board: Board) -> None:
        rows, previous = [], None
        for item in board.incidents:
            rows.append((item.incident.id, self._cells(item, item.site != previous, board)))
            previous = item.site
        self.set_rows(rows, cursor_key=self.cursor_key)

    @staticmethod
    def _cells(item: BoardIncident, first: bool, board: Board) -> dict[str, Text]:
        incident = item.incident
        drill = "[" + _("DRILL") + "] " if incident.drill else ""
        late = Text(late_label(item.late_s), style=cells.ALARM) if item.late_s else Text("")
        return {
            "site": cells.user(item.site if first else "", "bold"),
            "sev": _severity(incident.severity),
            "title": cells.user(drill + incident.title),
            "late": late,
            "steps": _count(len(item.late_steps)),
            "reports": _count(len(item.late_reports)),
            "age": Text(format_age(incident.started_at, board.at)),
        }


def _severity(severity) -> Text:
    if severity in cells.SEVERITY_STYLE:
        return cells.severity(severity)
    return cells.user(labels.severity(severity))  # a newer console's level: shown as it is


def _count(n: int) -> Text:
    return Text(str(n), style=cells.LATE) if n else Text("")


class BoardScreen(Screen):
    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    DEFAULT_CSS = """
    BoardScreen {
        #board-title { height: 1; padding: 0 1; background: $panel; }
        #board-sites { height: auto; max-height: 40%; border: round $primary; padding: 0 1; }
        #board-table { height: 1fr; border: round $primary; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_board", N_("Quit"), id="board_quit", tooltip=N_("Leave the board")),
        Binding("escape,q", "back", N_("Back"), id="board_back", tooltip=N_("Back to the console")),
        Binding(
            "r",
            "refresh",
            N_("Refresh"),
            id="board_refresh",
            tooltip=N_("Read the board again now"),
        ),
        Binding(
            "enter",
            "detail",
            N_("Detail"),
            id="board_detail",
            tooltip=N_("The selected incident, read-only"),
        ),
        Binding("j,down", "move(1)", N_("Down"), id="board_down", show=False),
        Binding("k,up", "move(-1)", N_("Up"), id="board_up", show=False),
    ]

    class Loaded(Message):
        def __init__(self, board: Board) -> None:
            super().__init__()
            self.board = board

    def __init__(self, standalone: bool = False) -> None:
        super().__init__()
        self.standalone = standalone  # the whole app (`command-console board`): q quits
        self.board: Board | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="board-title")
        with VerticalScroll(id="board-sites"):
            yield Static("", id="board-sites-text")
        yield BoardTable(id="board-table")
        yield KeyFooter()  # translates the key descriptions

    def on_mount(self) -> None:
        self.query_one("#board-sites").border_title = _("Sites · on shift")
        self.query_one(BoardTable).border_title = _("Open incidents by site")
        self.set_focus(self.query_one(BoardTable))
        self.set_interval(REFRESH_S, self.load)
        self.load()

    @work(thread=True, exclusive=True, group="board")
    def load(self) -> None:
        self.post_message(self.Loaded(read_board(self.app.store, self.app.clock.now())))

    def on_board_screen_loaded(self, message: Loaded) -> None:
        if self.board is not None and message.board.at < self.board.at:
            return  # a read that started earlier finished later (r pressed meanwhile)
        self.board = board = message.board
        self.query_one("#board-title", Static).update(self._title(board))
        self.query_one("#board-sites-text", Static).update(self._sites(board))
        self.query_one(BoardTable).show(board)

    def _title(self, board: Board) -> Text:
        zone = self.app.config.zone
        parts = [
            _("Board"),
            local(board.at, zone, "%Y-%m-%d %H:%M:%S"),
            ngettext("{n} site", "{n} sites", len(board.sites)).format(n=len(board.sites)),
            ngettext("{n} open incident", "{n} open incidents", len(board.incidents)).format(
                n=len(board.incidents)
            ),
        ]
        sync = getattr(self.app, "sync_status", "")
        sync = _(SYNC_OFF) if sync == SYNC_OFF else sync  # the rest comes translated
        return Text(" · ".join([*parts, sync] if sync else parts), style="bold", no_wrap=True)

    def _sites(self, board: Board) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        zone = self.app.config.zone
        for n, site in enumerate(board.sites):
            if n:
                text.append("\n")
            text.append_text(cells.user(site.site, "bold"))
            text.append("  ")
            text.append_text(_leads(site, zone))
            text.append("\n  ")
            text.append_text(_counts(site))
        if not board.sites:
            text.append(_("No console has a shift running or an open incident here yet"), "dim")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """q quits the board on its own (`command-console board`); in the console, q and
        Esc go back to the main screen."""
        if action == "quit_board":
            return self.standalone
        if action == "back":
            return not self.standalone
        return True

    def action_quit_board(self) -> None:
        self.app.exit()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_move(self, delta: int) -> None:
        self.query_one(BoardTable).action_move(delta)

    def action_detail(self) -> None:
        key = self.query_one(BoardTable).cursor_key
        if key is not None:
            self.app.push_screen(ReadOnlyDetail(key))

    def on_keyed_table_row_selected(self, event: KeyedTable.RowSelected) -> None:
        event.stop()
        self.action_detail()


def _leads(site: SiteSummary, zone) -> Text:
    if not site.on_shift:
        return Text(_("nobody on shift"), style="dim")
    text = Text()
    for n, shift in enumerate(site.on_shift):
        if n:
            text.append(" · ")
        text.append_text(cells.user(shift.lead))
        since = local(shift.started_at, zone, "%H:%M") if shift.started_at else "--:--"
        text.append(
            " " + _("({console}, since {time})").format(console=shift.console_id, time=since), "dim"
        )
    return text


def _counts(site: SiteSummary) -> Text:
    text = Text()
    if not site.open_by_severity:
        text.append(_("no open incident"), "dim")
    for n, (severity, count) in enumerate(site.open_by_severity):
        if n:
            text.append(" ")
        text.append_text(_severity(severity))
        text.append(f" {count}")
    late = []
    if site.late_steps:
        late.append(
            ngettext("{n} step late", "{n} steps late", site.late_steps).format(n=site.late_steps)
        )
    if site.late_reports:
        late.append(
            ngettext("{n} upward report late", "{n} upward reports late", site.late_reports).format(
                n=site.late_reports
            )
        )
    if late:
        text.append(" · ")
        text.append(" · ".join(late), cells.LATE)
    if site.drills:
        text.append(" · ")
        text.append(ngettext("{n} drill", "{n} drills", site.drills).format(n=site.drills), "dim")
    return text


class ReadOnlyDetail(DetailScreen):
    """The incident detail without its write keys: the board changes nothing."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Every key of the detail screen's own writes (the quick log, and any added later)
        # is off; Esc/q go back through the app (app.pop_screen), which this does not see.
        return False


class BoardApp(CommandConsoleApp):
    """`command-console board`: the console's machinery (store polling, sync when a share is
    set) with the board as its only screen, and none of the console's write keys."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))  # beside the app, not here

    def on_mount(self, event: events.Mount | None = None) -> None:
        if event is not None:
            event.prevent_default()  # not the console's on_mount: no main screen
        self.push_screen(BoardScreen(standalone=True))
        self.set_interval(POLL_S, self.poll_store)
        if self.config.sync_dir or self.config.sync_url:  # as the console does
            self.set_interval(SYNC_POLL_S, self._sync)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in ("handover", "export")

    async def action_quit(self) -> None:
        self.exit()
