"""The incidents table: rebuilt when the store changes, only time cells touched each tick."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from command_console.core.incidents import Incident
from command_console.core.timers import format_age, next_deadline
from command_console.widgets import cells

FIXED = {"sev": 10, "id": 7, "age": 5, "status": 9, "next": 8}
MIN_TITLE = 8
MAX_PLAN = 28


class IncidentTable(DataTable):
    """One row per incident; row key = incident id."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.incidents: dict[str, Incident] = {}
        self._shown: dict[tuple[str, str], str] = {}  # (row, column) -> plain text shown
        self._next: dict = {}  # incident id -> its next open timed step

    def on_mount(self) -> None:
        for key, label in (("sev", "Severity"), ("id", "ID"), ("title", "Title"), ("plan", "Plan"),
                           ("age", "Age"), ("status", "Status"), ("next", "Next")):
            self.add_column(label, key=key, width=FIXED.get(key, MIN_TITLE))

    def on_resize(self) -> None:
        """Title and plan share what the fixed columns leave (2 cells padding each, scrollbar 2)."""
        if not self.columns:
            return
        rest = self.size.width - 2 - 2 * 7 - sum(FIXED.values())
        plan = min(MAX_PLAN, max(6, rest * 2 // 5))
        for key, width in (("title", max(MIN_TITLE, rest - plan)), ("plan", plan)):
            self.columns[key].width = width
            self.columns[key].auto_width = False
        self._require_update_dimensions = True
        self.refresh()

    @property
    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def set_incidents(self, incidents: list[Incident], now: datetime) -> None:
        keep = self.selected_id
        self.incidents = {i.id: i for i in incidents}
        self._shown.clear()
        self._next = {}
        self.clear()
        for inc in incidents:
            age, nxt = self._time_cells(inc, now)
            self.add_row(cells.severity(inc.severity), Text(inc.id), cells.user(inc.title),
                         cells.user(inc.plan_title), age, cells.status(inc.status), nxt, key=inc.id)
        if keep in self.incidents:
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    def _time_cells(self, inc: Incident, now: datetime) -> tuple[Text, Text]:
        age = Text(format_age(inc.started_at, now))
        if inc.id not in self._next:  # the next deadline only changes with the data, not the clock
            self._next[inc.id] = next_deadline(inc) if inc.is_open else None
        nxt = cells.countdown(self._next[inc.id], now)
        self._shown[(inc.id, "age")], self._shown[(inc.id, "next")] = age.plain, nxt.plain + str(nxt.style)
        return age, nxt

    def tick(self, now: datetime) -> int:
        """Update age and next-deadline cells whose text changed; returns how many changed."""
        changed = 0
        for inc in self.incidents.values():
            if not inc.is_open:
                continue
            before = (self._shown.get((inc.id, "age")), self._shown.get((inc.id, "next")))
            age, nxt = self._time_cells(inc, now)
            if before[0] != age.plain:
                self.update_cell(inc.id, "age", age)
                changed += 1
            if before[1] != nxt.plain + str(nxt.style):
                self.update_cell(inc.id, "next", nxt)
                changed += 1
        return changed
