"""Incident detail: header, every step with its state, and the whole timeline (wrapped)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from command_console.core import corrections, labels
from command_console.core.incidents import EntryKind, Incident, TimelineEntry
from command_console.core.report import ReportStatus
from command_console.core.text import clean
from command_console.core.when import local
from command_console.data import queries
from command_console.i18n import N_, _, current_language
from command_console.screens.main_fixes import FixActions
from command_console.screens.saving import REFUSED
from command_console.widgets import cells
from command_console.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp

KIND_STYLE = {
    EntryKind.CALL: "#7fb3ff",
    EntryKind.STEP: "#7fbf7f",
    EntryKind.STATUS: "bold",
    EntryKind.REPORT: "#e5c07b",
    EntryKind.SHIFT: "dim",
    EntryKind.CONFLICT: "bold #ff5f5f",
}


class DetailScreen(FixActions, Screen):
    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="detail_back"),
        Binding("l", "quick_log", N_("Log"), id="detail_log"),
        Binding(
            "m",
            "amend_entry",
            N_("Correct"),
            id="detail_amend",
            tooltip=N_("Correct or retract a log entry (the original stays, marked)"),
        ),
    ]

    class Loaded(Message):
        def __init__(
            self, incident: Incident, entries: list[TimelineEntry], report: ReportStatus
        ) -> None:
            super().__init__()
            self.incident, self.entries, self.report = incident, entries, report

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.incident: Incident | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-header")
        with VerticalScroll(id="detail-steps-box"):
            yield Static("", id="detail-steps")
        with VerticalScroll(id="detail-body"):
            yield Static("", id="timeline")
        yield KeyFooter()  # translates the key descriptions (Textual's Footer shows them as written)

    def on_mount(self) -> None:
        self.query_one("#detail-steps-box").border_title = _("Steps")
        self.query_one("#detail-body").border_title = _("Timeline (newest at the bottom)")
        self.load()

    @work(thread=True, exclusive=True, group="detail")
    def load(self) -> None:
        store = self.app.store
        incident = queries.get_incident(store, self.incident_id)
        self.post_message(
            self.Loaded(
                incident,
                queries.timeline(store, self.incident_id, zone=self.app.config.zone),
                queries.report_status(store, self.incident_id),
            )
        )

    def on_detail_screen_loaded(self, message: Loaded) -> None:
        self.incident = message.incident
        zone, now, inc = self.app.config.zone, self.app.clock.now(), message.incident
        header = Text()
        header.append_text(cells.severity(inc.severity))
        header.append(f" {inc.id} ", style="bold")
        header.append(clean(inc.title), style="bold")
        header.append(
            "\n"
            + _(
                "plan {plan} · {status} · started {started} · opened by {who} · report {report}"
            ).format(
                plan=clean(inc.plan_title),
                status=labels.status(inc.status),
                started=local(inc.started_at, zone),
                who=clean(inc.opened_by),
                report=labels.report_status(message.report),
            )
        )
        self.query_one("#detail-header", Static).update(header)
        steps = Table.grid(padding=(0, 1), expand=True)
        steps.add_column(width=3)
        steps.add_column(width=8)
        steps.add_column(ratio=3)
        steps.add_column(ratio=2)
        for step in inc.steps:
            steps.add_row(
                str(step.position + 1),
                cells.step_timer(step, now, zone),
                Text(clean(step.text_in(current_language())), overflow="fold"),
                Text(cells.step_who(step).plain, style="italic"),
            )
        self.query_one("#detail-steps", Static).update(steps)
        self.query_one("#timeline", Static).update(self.timeline(message.entries))
        self.query_one(
            "#detail-body"
        ).anchor()  # the newest entry in view, now and as the timeline grows

    def timeline(self, entries: list[TimelineEntry]) -> Table:
        zone = self.app.config.zone
        table = Table(expand=True, show_edge=False, box=None, padding=(0, 1), title=None)
        table.add_column(_("Time"), width=19, no_wrap=True)
        table.add_column(_("Who"), width=12, no_wrap=True, overflow="ellipsis")
        table.add_column(_("Kind"), width=7)
        table.add_column(
            _("Entry"), ratio=1, overflow="fold"
        )  # a long URL or unspaced Chinese wraps, never cut
        for entry in entries:
            table.add_row(
                local(entry.at, zone, "%Y-%m-%d %H:%M:%S"),
                Text(clean(entry.author)),
                Text(labels.entry_kind(entry.kind), style=KIND_STYLE.get(entry.kind, "")),
                self.entry_text(entry),
            )
        if not entries:
            table.add_row("", "", "", Text(_("(nothing logged yet)"), style="dim"))
        return table

    def entry_text(self, entry: TimelineEntry) -> Text:
        """The entry as logged; a corrected one struck through, then the correction and
        who made it, when and why (never hidden)."""
        text = Text(overflow="fold")
        if entry.amendment is None:
            text.append(clean(entry.text, multiline=True))
            return text
        text.append(clean(entry.text, multiline=True), style="strike dim")
        if not entry.amendment.retracted:
            text.append(" " + clean(entry.amendment.text, multiline=True))
        when = local(entry.amendment.at, self.app.config.zone, "%H:%M:%S")
        text.append(" (" + clean(corrections.mark(entry, when)) + ")", style="italic #e5c07b")
        return text

    def write(self, change: Callable[[], object], success: str = "") -> None:
        """A fix made here (m): written in a worker, then every screen reloads."""
        self.app.hold_keys()
        self._write(change, success)

    @work(thread=True, group="detail-write")
    def _write(self, change: Callable[[], object], success: str) -> None:
        try:
            change()
        except REFUSED as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
        else:
            if success:
                self.app.call_from_thread(self.notify, success)
            self.app.call_from_thread(self.app.store_changed)
        self.app.call_from_thread(self.app.release_keys)

    def action_quick_log(self) -> None:
        from command_console.screens.quick_log import QuickLogScreen

        if self.incident is not None:
            self.app.push_screen(QuickLogScreen(self.incident), lambda _: self.app.store_changed())
