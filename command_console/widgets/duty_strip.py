"""The duty strip, under the alarm strip: the duties that are late — upward reports not
made by their deadline, shift routines past due, corrective actions past their due date —
with the same red mark and the same bell as the step alarms (first when late, then every
`repeat_s` until done). `d` opens the duties screen, where one key does each of them.
Hidden while nothing is late. The data comes in a thread worker; ticks use what it read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Static

from command_console.core.contacts import role_label
from command_console.core.text import clean
from command_console.i18n import _, current_language, ngettext
from command_console.widgets.alarm_strip import ALARM

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp


@dataclass(frozen=True)
class DutyState:
    upward: tuple = ()  # UpwardDue of open incidents, untold
    routines: tuple = ()  # RoutineState of this console
    actions: tuple = ()  # open CorrectiveAction


def late_duties(state: DutyState, now: datetime) -> list[tuple[str, datetime, str]]:
    """(key, due, plain description) of every late duty, most overdue first."""
    found = [
        (
            f"upward:{d.incident_id}:{d.role}",
            d.due_at,
            _("{id}: report to {who}").format(
                id=d.incident_id, who=role_label(d.role, current_language())
            ),
        )
        for d in state.upward
        if d.due_at <= now
    ]
    found += [
        (
            f"routine:{r.routine.id}",
            r.due_at,
            _("routine: {title}").format(title=r.routine.title_in(current_language())),
        )
        for r in state.routines
        if r.due_at <= now
    ]
    found += [
        (
            f"action:{a.id}",
            a.due_at,
            _("{id}: corrective action, {owner}: {text}").format(
                id=a.incident_id, owner=a.owner, text=a.text
            ),
        )
        for a in state.actions
        if a.overdue(now)
    ]
    return sorted(found, key=lambda item: item[1])


@dataclass
class DutyBell:
    """When a late duty rings: the first time it is late, then every repeat_s seconds."""

    repeat_s: int
    last_rung: dict[str, datetime] = field(default_factory=dict)

    def due(self, late: list[tuple[str, datetime, str]], now: datetime) -> list[str]:
        ring = []
        for key, _due, _text in late:
            last = self.last_rung.get(key)
            if last is None or (now - last).total_seconds() >= self.repeat_s:
                self.last_rung[key] = now
                ring.append(key)
        for key in set(self.last_rung) - {key for key, _d, _t in late}:
            del self.last_rung[key]
        return ring


def read_state(store, now: datetime) -> DutyState:
    from command_console.data import queries, queries_duties
    from command_console.data.duties_summary import routines_now

    shift = queries.current_shift(store)
    return DutyState(
        tuple(queries_duties.open_upward_dues(store)),
        tuple(routines_now(store, now, shift.started_at if shift else now)),
        tuple(queries_duties.actions(store, open_only=True)),
    )


class DutyStrip(Static):
    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.state = DutyState()
        self.max_lines = (
            1  # one line: the step alarms above keep the room; the count names the rest
        )
        self.count = 0
        self._last = ""
        self.display = False

    def on_mount(self) -> None:
        self.bell = DutyBell(self.app.config.alarm_repeat_s)

    @work(thread=True, exclusive=True, group="duties")
    def reload(self) -> None:
        state = read_state(self.app.store, self.app.clock.now())
        self.app.call_from_thread(self._loaded, state)

    def _loaded(self, state: DutyState) -> None:
        self.state = state
        self.tick(self.app.clock.now())

    def tick(self, now: datetime) -> bool:
        """Repaint; True when a late duty rings now (the caller rings the bell)."""
        late = late_duties(self.state, now)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for n, (_key, due, what) in enumerate(late[: self.max_lines]):
            minutes, seconds = divmod(max(0, int((now - due).total_seconds())), 60)
            text.append(("\n" if n else "") + f" ⏰ +{minutes:02d}:{seconds:02d} ", style=ALARM)
            text.append(" " + clean(what) + " · " + _("d: duties"))
        rest = len(late) - self.max_lines
        if rest > 0:
            text.append(
                " " + ngettext("+{n} more late duty", "+{n} more late duties", rest).format(n=rest),
                style="bold red",
            )
        self.count = len(late)
        if text.plain != self._last:
            self._last = text.plain
            self.display = bool(late)
            self.update(text)
        return bool(self.bell.due(late, now)) if hasattr(self, "bell") else False
