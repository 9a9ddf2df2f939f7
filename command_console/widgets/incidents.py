"""The incidents table: rebuilt when the store changes; each tick touches only the time
cells of the rows on screen (scrolling brings the newly shown rows up to date)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from command_console.core.incidents import Incident
from command_console.core.timers import format_age, next_deadline
from command_console.i18n import _
from command_console.widgets import cells
from command_console.widgets.keyed_table import KeyedTable

FIXED = {"sev": 10, "id": 7, "age": 5, "status": 9, "next": 8}
MIN_TITLE = 8
MAX_PLAN = 28
TITLE_BEFORE_PLAN = (
    24  # cells: a 12-character Chinese title; narrower than this, the plan column goes
)


class IncidentTable(KeyedTable):
    """One row per incident; row key = incident id."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.incidents: dict[str, Incident] = {}
        self._shown: dict[tuple[str, str], str] = {}  # (row, column) -> plain text shown
        self._next: dict = {}  # incident id -> its next open timed step
        self._now: datetime | None = None  # the last tick's time

    def on_mount(self) -> None:
        for key, label in (
            ("sev", _("Severity")),
            ("id", _("ID")),
            ("title", _("Title")),
            ("plan", _("Plan")),
            ("age", _("Age")),
            ("status", _("Status")),
            ("next", _("Next")),
        ):
            self.add_column(label, key=key, width=FIXED.get(key, MIN_TITLE))

    def on_resize(self) -> None:
        """Title and plan share what the fixed columns leave (2 cells padding each, scrollbar 2)."""
        if not self.columns:
            return
        rest = self.size.width - 2 - 2 * 7 - sum(FIXED.values())
        widths = {"status": FIXED["status"], "age": FIXED["age"]}
        for column in ("status", "age"):  # a narrow terminal keeps the title and the next deadline
            if rest < MIN_TITLE + 6:
                rest += widths[column] + 2
                widths[column] = 0
        plan = min(MAX_PLAN, max(6, rest * 2 // 5))
        if rest - plan - 2 < TITLE_BEFORE_PLAN:  # the title matters more than the plan's name
            plan = 0
        self.set_widths(
            {**widths, "title": max(MIN_TITLE, rest - plan - (2 if plan else -2)), "plan": plan}
        )

    @property
    def selected_id(self) -> str | None:
        return self.cursor_key

    def set_incidents(self, incidents: list[Incident], now: datetime) -> None:
        keep = self.selected_id
        self.incidents = {i.id: i for i in incidents}
        self._shown.clear()
        self._next = {}
        rows = []
        for inc in incidents:
            age, nxt = self._time_cells(inc, now)
            rows.append(
                (
                    inc.id,
                    {
                        "sev": cells.severity(inc.severity),
                        "id": Text(inc.id),
                        "title": cells.user(
                            ("[" + _("DRILL") + "] " if inc.drill else "") + inc.title
                        ),
                        "plan": cells.user(inc.plan_title),
                        "age": age,
                        "status": cells.status(inc.status),
                        "next": nxt,
                    },
                )
            )
        self.set_rows(rows, cursor_key=keep)

    def _time_cells(self, inc: Incident, now: datetime) -> tuple[Text, Text]:
        age = Text(format_age(inc.started_at, now))
        if inc.id not in self._next:  # the next deadline only changes with the data, not the clock
            self._next[inc.id] = next_deadline(inc) if inc.is_open else None
        nxt = cells.countdown(self._next[inc.id], now)
        self._shown[(inc.id, "age")], self._shown[(inc.id, "next")] = (
            age.plain,
            nxt.plain + str(nxt.style),
        )
        return age, nxt

    def tick(self, now: datetime) -> int:
        """Update the age and next-deadline cells on screen whose text changed; returns how many.

        Off-screen rows wait until they scroll into view: 200 running timers cost only the
        cell updates of the rows the lead can see."""
        self._now = now
        return self._refresh_times(self.visible_keys(), now)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._now is not None:
            self._refresh_times(self.visible_keys(), self._now)

    def _refresh_times(self, ids: list[str], now: datetime) -> int:
        changed = 0
        for inc in (self.incidents[i] for i in ids if i in self.incidents):
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
