"""The plan steps of the selected incident, with live timers (only timer cells change per tick)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from command_console.core.incidents import Incident, PlanStepRun
from command_console.i18n import _
from command_console.widgets import cells
from command_console.widgets.keyed_table import KeyedTable

FIXED = {"n": 2, "timer": 7}
MIN_TEXT = 16
WHO_FROM = 70  # cells left for text and who/role before the who column is shown


class StepTable(KeyedTable):
    def __init__(self, zone: ZoneInfo, **kwargs) -> None:
        super().__init__(**kwargs)
        self.zone = zone
        self.incident: Incident | None = None
        self._shown: dict[str, tuple[str, str]] = {}

    def on_mount(self) -> None:
        for key, label in (
            ("n", "#"),
            ("timer", _("Timer")),
            ("text", _("Step")),
            ("who", _("Who / role")),
        ):
            self.add_column(label, key=key, width=FIXED.get(key, MIN_TEXT))

    def on_resize(self) -> None:
        """Step text and who/role share what the fixed columns leave (2 cells padding each, scrollbar 2)."""
        if not self.columns:
            return
        rest = self.size.width - 2 - 2 * 4 - FIXED["n"] - FIXED["timer"]
        who = (
            min(30, rest // 3) if rest >= WHO_FROM else 0
        )  # narrower: the line under the steps names them
        self.set_widths({"text": max(MIN_TEXT, rest - who + (4 if not who else 0)), "who": who})

    @property
    def selected_step(self) -> PlanStepRun | None:
        if self.incident is None or not self.row_count:
            return None
        key = self.cursor_key
        return next((s for s in self.incident.steps if s.step_id == key), None)

    def set_incident(self, incident: Incident | None, now: datetime) -> None:
        same = (
            self.incident is not None and incident is not None and self.incident.id == incident.id
        )
        before = self.selected_step if same else None
        keep = before.step_id if before else None
        # just done or skipped: advance to the next open step (before is only kept when the
        # incident is the same, so incident is set here)
        if before is not None and before.is_open and incident is not None:
            after = next((s for s in incident.steps if s.step_id == keep), None)
            if after is not None and not after.is_open:
                keep = next(
                    (
                        s.step_id
                        for s in incident.steps
                        if s.is_open and s.position > after.position
                    ),
                    keep,
                )
        self.incident = incident
        self._shown.clear()
        steps = incident.steps if incident is not None else []
        keys = [s.step_id for s in steps]
        if keep not in keys:  # first overdue open step, else first open step
            late = [
                s.step_id for s in steps if s.is_open and s.due_at is not None and s.due_at <= now
            ]
            keep = (
                late[0]
                if late
                else next((s.step_id for s in steps if s.is_open), keys[0] if keys else None)
            )
        rows = []
        for step in steps:
            timer, text = self._cells(step, now)
            rows.append(
                (
                    step.step_id,
                    {
                        "n": Text(str(step.position + 1)),
                        "timer": timer,
                        "text": text,
                        "who": cells.step_who(step),
                    },
                )
            )
        self.set_rows(rows, cursor_key=keep)

    def _cells(self, step: PlanStepRun, now: datetime) -> tuple[Text, Text]:
        timer, text = cells.step_timer(step, now, self.zone), cells.step_text(step, now)
        self._shown[step.step_id] = (timer.plain + str(timer.style), str(text.spans))
        return timer, text

    def tick(self, now: datetime) -> int:
        if self.incident is None:
            return 0
        changed = 0
        for step in self.incident.steps:
            if not step.is_open or step.due_at is None:
                continue
            before = self._shown.get(step.step_id)
            timer, text = self._cells(step, now)
            after = self._shown[step.step_id]
            if before is None or before[0] != after[0]:
                self.update_cell(step.step_id, "timer", timer)
                changed += 1
            if before is None or before[1] != after[1]:
                self.update_cell(step.step_id, "text", text)
                changed += 1
        return changed
