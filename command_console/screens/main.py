"""The main split view: incidents, the selected incident's steps with live timers, roster,
status line. Keys map to actions; data I/O runs in thread workers; the store is the truth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from command_console.core.contacts import Contact
from command_console.core.duties import incidents_title
from command_console.core.errors import UserError
from command_console.core.incidents import Call, Incident, StepState
from command_console.core.text import clean
from command_console.data import queries, queries_duties
from command_console.i18n import N_, _
from command_console.screens.alarms import AlarmTracker, ringing
from command_console.screens.main_calls import CallActions
from command_console.screens.main_edit import EditActions
from command_console.screens.main_fixes import FixActions
from command_console.screens.main_incident import IncidentActions
from command_console.screens.saving import CANNOT_WRITE
from command_console.widgets.alarm_strip import AlarmStrip
from command_console.widgets.duty_strip import DutyStrip
from command_console.widgets.footer import KeyFooter
from command_console.widgets.incidents import IncidentTable
from command_console.widgets.keyed_table import KeyedTable
from command_console.widgets.notice import NoticeLine
from command_console.widgets.roster import Roster, external_contacts
from command_console.widgets.status import StatusLine
from command_console.widgets.step_line import StepLine
from command_console.widgets.steps import StepTable

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp

NEEDS_INCIDENT = {"quick_log", "detail", "report", "resolve", "edit_incident"} | {
    "change_plan",
    "cancel_incident",
    "amend_entry",
}
NEEDS_OPEN_STEP = {"step_done", "skip_step"}
COMPACT_WIDTH, COMPACT_HEIGHT = 72, 22  # below either: incidents, steps and whom to call only
TALL = 32  # from this height the alarm strip has room for three alarms


@dataclass(frozen=True)
class Snapshot:
    head: int
    incidents: list[Incident]
    contacts: list[Contact]
    lead: str
    calls: list[Call]


class MainScreen(CallActions, EditActions, FixActions, IncidentActions, Screen):
    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "new_incident",
            N_("New"),
            id="new_incident",
            tooltip=N_("New incident from a plan (fuzzy filter, severity, title, started-at)"),
        ),
        Binding(
            "l",
            "quick_log",
            N_("Log"),
            id="quick_log",
            tooltip=N_("Quick log: one line on the selected incident's timeline"),
        ),
        Binding(
            "space",
            "step_done",
            N_("Done"),
            id="step_done",
            tooltip=N_("Mark the selected step done"),
        ),
        Binding(
            "s",
            "skip_step",
            N_("Skip"),
            id="skip_step",
            tooltip=N_("Skip the selected step (asks for a reason)"),
        ),
        Binding(
            "a",
            "acknowledge",
            N_("Ack"),
            id="acknowledge",
            tooltip=N_("Acknowledge the selected incident's ringing alarms"),
        ),
        Binding(
            "enter",
            "detail",
            N_("Detail"),
            id="detail",
            show=False,
            tooltip=N_("Incident detail with the whole timeline"),
        ),
        Binding(
            "r",
            "report",
            N_("Report"),
            id="report",
            tooltip=N_("Seven-field report form of the selected incident"),
        ),
        Binding(
            "c",
            "roster",
            N_("Roster"),
            id="roster",
            show=False,
            tooltip=N_("Filter the roster (Enter goes to the list)"),
        ),
        Binding(
            "y",
            "copy_number",
            N_("Copy no."),
            id="copy_number",
            show=False,
            tooltip=N_("Copy the selected contact's number (OSC 52)"),
        ),
        Binding(
            "x",
            "resolve",
            N_("Resolve"),
            id="resolve",
            tooltip=N_("Resolve the selected incident (asks first)"),
        ),
        Binding(
            "i",
            "edit_incident",
            N_("Edit"),
            id="edit_incident",
            show=False,
            tooltip=N_("Edit the incident: severity, title, start time"),
        ),
        Binding(
            "u",
            "reopen_step",
            N_("Reopen"),
            id="reopen_step",
            show=False,
            tooltip=N_("Reopen a step marked done or skipped by mistake"),
        ),
        Binding(
            "p",
            "change_plan",
            N_("Plan"),
            id="change_plan",
            show=False,
            tooltip=N_("Change the incident's plan (picked wrong): the new steps start now"),
        ),
        Binding(
            "m",
            "amend_entry",
            N_("Correct"),
            id="amend_entry",
            show=False,
            tooltip=N_("Correct or retract a log entry (the original stays, marked)"),
        ),
        Binding(
            "X",
            "cancel_incident",
            N_("Cancel incident"),
            id="cancel_incident",
            show=False,
            tooltip=N_("Cancel an incident opened by mistake or twice (asks why)"),
        ),
        Binding(
            "o",
            "toggle_resolved",
            N_("Show resolved"),
            id="toggle_resolved",
            show=False,
            tooltip=N_("Incident list: open, with resolved, the archive (press again to cycle)"),
        ),
        Binding(
            "d",
            "duties",
            N_("Duties"),
            id="duties",
            show=False,
            tooltip=N_("Duties: routines, upward reports owed, corrective actions"),
        ),
        Binding(
            "b",
            "board",
            N_("Board"),
            id="board",
            show=False,
            tooltip=N_("The board: every console and site at once, read-only"),
        ),
        Binding(
            "tab",
            "app.focus_next",
            N_("Next pane"),
            id="next_pane",
            show=False,
            tooltip=N_("Next pane"),
        ),
        Binding(
            "shift+tab",
            "app.focus_previous",
            N_("Previous pane"),
            id="previous_pane",
            show=False,
            tooltip=N_("Previous pane"),
        ),
    ]

    class Loaded(Message):
        def __init__(self, snapshot: Snapshot) -> None:
            super().__init__()
            self.snapshot = snapshot

    def __init__(self) -> None:
        super().__init__()
        self.view = "open"  # core.duties.INCIDENT_VIEWS: open, with resolved, the archive
        self.want_select: str | None = None
        self.contacts: list[Contact] = []
        self.loaded = False
        self.painted_second: datetime | None = None
        self.release_at_head = 0  # keys are held until a reload shows the write at this head

    # -- layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        config = self.app.config
        yield StatusLine(config.site, config.zone, id="status")
        yield AlarmStrip(id="alarm-strip")
        yield DutyStrip(id="duty-strip")
        yield IncidentTable(id="incidents")
        with Horizontal(id="lower"):
            yield StepTable(config.zone, id="steps")
            yield Roster(config.emergency_numbers, id="roster")
        yield StepLine(id="step-line")
        yield NoticeLine(id="notice")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.alarms = AlarmTracker(self.app.config.alarm_repeat_s)
        self.calls: list[Call] = []
        self.query_one("#incidents").border_title = _("Incidents")
        self.query_one("#steps").border_title = _("Steps")
        self.query_one("#roster").border_title = _("Roster (c)")
        self.watch(self.app, "sync_status", lambda value: self.status.set_state(sync=value))
        self.tick()
        self.set_interval(0.5, self.tick)
        # The first snapshot is read here, before the first frame, so the lead's first look
        # already shows the incidents (a read in WAL mode never waits for writers). Later
        # reloads run in a worker.
        self.on_main_screen_loaded(self.Loaded(self.read_snapshot()))
        # Not sooner: the import thread would hold the GIL while the first frame is built.
        self.call_after_refresh(self.warm_up)

    @work(thread=True, group="warm-up")
    def warm_up(self) -> None:
        """Import the dialogs now, off the UI thread, so the first `l` or `n` in a crisis
        opens at once instead of waiting ~150 ms for imports."""
        import command_console.screens.confirm
        import command_console.screens.detail
        import command_console.screens.new_incident
        import command_console.screens.quick_log
        import command_console.screens.report
        import command_console.screens.skip_reason  # noqa: F401

    def on_resize(self) -> None:
        width, height = self.size
        self.set_class(width < COMPACT_WIDTH or height < COMPACT_HEIGHT, "compact")
        self.alarm_strip.max_lines = (
            1 if self.has_class("compact") else (3 if height >= TALL else 2)
        )
        if self.step_line.who_first != self.has_class("compact"):
            # One line in compact mode: whom to call and the number first, not cut off
            # after the step's text (the steps table shows that text).
            self.step_line.who_first = self.has_class("compact")
            self.step_line.show(self.steps.selected_step, self.everyone, self.calls)
        self._size_incidents()

    def _size_incidents(self) -> None:
        """The incident list is as tall as its rows (up to a share of the screen), so the
        steps and roster get the rest instead of a dozen empty rows."""
        height = self.size.height or 24
        cap = 3 if self.has_class("compact") else max(3, min(12, (height - 12) // 2))
        rows = max(1, min(cap, self.incidents.row_count))
        self.incidents.styles.height = rows + 3  # border and header

    @property
    def alarm_strip(self) -> AlarmStrip:
        return self.query_one(AlarmStrip)

    @property
    def step_line(self) -> StepLine:
        return self.query_one(StepLine)

    def say(self, text: str, *, warning: bool = False) -> None:
        """One line on the notice line: confirmations, and why a key did nothing."""
        self.query_one(NoticeLine).show(text, warning=warning)

    @property
    def incidents(self) -> IncidentTable:
        return self.query_one(IncidentTable)

    @property
    def steps(self) -> StepTable:
        return self.query_one(StepTable)

    @property
    def roster(self) -> Roster:
        return self.query_one(Roster)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def incident(self) -> Incident | None:
        selected = self.incidents.selected_id
        return self.incidents.incidents.get(selected) if selected else None

    # -- data in -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        snapshot = self.read_snapshot()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(snapshot))

    def read_snapshot(self) -> Snapshot:
        store = self.app.store
        head = store.head()
        incidents = queries_duties.incident_view(store, self.view)
        contacts = queries.list_contacts(store)
        shift = queries.current_shift(store)
        open_ids = {i.id for i in incidents if i.is_open}
        calls = [c for c in queries.list_calls(store) if c.incident_id in open_ids]
        return Snapshot(head, incidents, contacts, shift.lead if shift else "", calls)

    def on_main_screen_loaded(self, message: Loaded) -> None:
        snap, now = message.snapshot, self.app.clock.now()
        self.app.seen_head = max(self.app.seen_head, snap.head)
        self.contacts, self.calls = snap.contacts, snap.calls
        self.incidents.set_incidents(snap.incidents, now)
        self._size_incidents()
        if self.want_select in self.incidents.incidents:
            self.incidents.move_cursor(
                row=self.incidents.get_row_index(self.want_select), animate=False
            )
            self.want_select = None
            self.app.release_keys()  # held since the new incident's dialog saved it: they act on it
        if self.release_at_head and snap.head >= self.release_at_head:
            self.release_at_head = 0
            self.app.release_keys()
        self.incidents.border_title = incidents_title(snap.incidents, self.view)  # drills apart
        self.roster.set_contacts(snap.contacts)
        self.status.set_state(lead=snap.lead)
        self._show_selected()
        self.loaded = True
        self.alarm_strip.show(
            snap.incidents, self.everyone, self.calls, now
        )  # a call just logged shows now
        self.query_one(DutyStrip).reload()
        self.tick()  # alarms for what just arrived ring now, not at the next interval
        self.refresh_bindings()

    def _show_selected(self) -> None:
        incident = self.incident
        self.steps.set_incident(incident, self.app.clock.now())
        self.steps.border_title = (
            Content(_("Steps · {id} {title}").format(id=incident.id, title=clean(incident.title)))
            if incident
            else _("Steps")
        )
        self._highlight_role()

    def _highlight_role(self) -> None:
        step = self.steps.selected_step
        self.roster.highlight_role(step.contact_role if step else None)
        self.step_line.show(step, self.everyone, self.calls)
        self.refresh_bindings()

    @property
    def everyone(self) -> list[Contact]:
        return self.contacts + external_contacts(self.app.config.emergency_numbers)

    def on_keyed_table_row_highlighted(self, event: KeyedTable.RowHighlighted) -> None:
        if event.table is self.incidents:
            if self.steps.incident is None or self.steps.incident.id != self.incidents.selected_id:
                self._show_selected()
        elif event.table is self.steps:
            self._highlight_role()
        else:
            self.refresh_bindings()  # the roster: whether there is a number to copy

    def on_keyed_table_row_selected(self, event: KeyedTable.RowSelected) -> None:
        if event.table is not self.roster.table:
            self.action_detail()

    # -- the clock -----------------------------------------------------------

    def tick(self) -> None:
        """Every half second: ring due alarms; once a second (or with an alarm) repaint the
        time cells that changed and the alarm strip. One repaint a second keeps 200 running
        timers cheap."""
        now = self.app.clock.now()
        ring = self.alarms.due(self.incidents.incidents, now) if self.loaded else []
        second = now.replace(microsecond=0)
        if second != self.painted_second or ring:
            self.painted_second = second
            self.status.set_state(now=now)
            if self.loaded:
                self.incidents.tick(now)
                self.steps.tick(now)
                self.alarm_strip.show(
                    self.incidents.incidents.values(), self.everyone, self.calls, now
                )
        if self.loaded and self.query_one(DutyStrip).tick(now):
            self.app.bell()  # a late upward report, routine or corrective action rings like a step
        if ring:
            self.app.bell()
            self._show_ringing_step(ring)
            self.refresh_bindings()

    def _show_ringing_step(self, ring) -> None:
        """A step of the selected incident starts ringing: the steps cursor goes to it (unless
        the lead is working in the steps list), so `c` then calls that step's contact."""
        selected = self.incident
        step = next((s for i, s in ring if selected is not None and i.id == selected.id), None)
        if step is not None and not self.steps.has_focus and self.steps.cursor_key != step.step_id:
            self.steps.move_cursor(self.steps.get_row_index(step.step_id))

    # -- writes --------------------------------------------------------------

    def write(self, change: Callable[[], object], success: str = "") -> None:
        """Run one data action in a worker; errors become a notification, success reloads.
        Keys wait until the reload shows the change: `space space` marks two steps, not one twice."""
        self.app.hold_keys()
        self._write(change, success)

    @work(thread=True, group="write")
    def _write(self, change: Callable[[], object], success: str) -> None:
        try:
            change()
        except UserError as exc:
            self.app.call_from_thread(self.say, str(exc), warning=True)
            self.app.call_from_thread(self.app.release_keys)
            return
        except CANNOT_WRITE as exc:  # disk full, database locked: nothing was stored
            self.app.call_from_thread(
                self.say, _("Not saved, try again: {error}").format(error=exc), warning=True
            )
            self.app.call_from_thread(self.app.release_keys)
            return
        if success:
            self.app.call_from_thread(self.say, success)
        self.app.call_from_thread(self._written, self.app.store.head())

    def _written(self, head: int) -> None:
        self.release_at_head = max(self.release_at_head, head)
        self.app.store_changed()

    # -- actions -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in NEEDS_INCIDENT:
            return True if self.incident is not None else None
        if action in NEEDS_OPEN_STEP:
            step = self.steps.selected_step
            incident = self.incident
            open_step = step is not None and step.is_open
            return True if open_step and incident is not None and incident.is_open else None
        if action == "acknowledge":
            return bool(self._alarming())  # shown in the footer only while an alarm rings
        if action == "copy_number":
            return True if self.number_to_copy() is not None else None
        if action == "reopen_step":
            step = self.steps.selected_step
            return True if step is not None and not step.is_open else None
        return True

    def refusal(self, action: str) -> str:
        """Why a key does nothing now, in one line (the type-ahead router shows it)."""
        incident, step = self.incident, self.steps.selected_step
        if incident is None:
            if action in NEEDS_INCIDENT | NEEDS_OPEN_STEP | {"acknowledge"}:
                return _("No incident selected: n opens one")
        elif action in NEEDS_OPEN_STEP:
            if not incident.is_open:
                return _("{id} is resolved: its steps are closed").format(id=incident.id)
            if step is None:
                return _("{id} has no step selected").format(id=incident.id)
            if step.state == StepState.DONE:
                return _("Step {n} is already done").format(n=step.position + 1)
            return _("Step {n} is already skipped").format(n=step.position + 1)
        elif action == "acknowledge":
            return _("No alarm is ringing on {id}").format(id=incident.id)
        if action == "copy_number":
            return _("No contact selected: c filters the roster")
        return self.edit_refusal(action) if action in ("edit_incident", "reopen_step") else ""

    def open_and_ringing(self) -> tuple[int, int]:
        incidents = list(self.incidents.incidents.values())
        return sum(1 for i in incidents if i.is_open), len(ringing(incidents, self.app.clock.now()))

    def action_duties(self) -> None:
        from command_console.screens.duties import DutiesScreen

        self.app.push_screen(DutiesScreen())

    def action_board(self) -> None:
        from command_console.screens.board import BoardScreen

        self.app.push_screen(BoardScreen())
