"""Step deadlines against the clock: what is due, what is late, by how much."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from command_console.core.incidents import Incident, PlanStepRun, StepState


def due_at(started_at: datetime, deadline_s: int | None) -> datetime | None:
    return None if deadline_s is None else started_at + timedelta(seconds=deadline_s)


@dataclass(frozen=True)
class StepTimer:
    step: PlanStepRun
    seconds_left: int | None  # zero or negative once due; None when there is no deadline

    @property
    def overdue(self) -> bool:
        return self.seconds_left is not None and self.seconds_left <= 0

    @property
    def alarming(self) -> bool:
        """Overdue and not yet acknowledged: the bell and notification repeat."""
        return self.overdue and self.step.acked_at is None


def seconds_until(instant: datetime, now: datetime) -> int:
    """Whole seconds to an instant: 0 at the instant, negative after it."""
    return math.floor((instant - now).total_seconds())


def step_timer(step: PlanStepRun, now: datetime) -> StepTimer:
    if step.due_at is None or not step.is_open:
        return StepTimer(step, None)
    return StepTimer(step, seconds_until(step.due_at, now))


def next_deadline(incident: Incident) -> PlanStepRun | None:
    """The earliest open step with a deadline (overdue ones first, naturally)."""
    timed = [(s.due_at, s) for s in incident.steps if s.is_open and s.due_at is not None]
    return min(timed, key=lambda pair: pair[0])[1] if timed else None


def waiting_for(incident: Incident, step: PlanStepRun) -> PlanStepRun | None:
    """The step this one waits for (`after`), while that step is not done; else None.
    A waiting step has no due time yet: show "waiting for <that step>" instead of a countdown."""
    if step.after is None or not step.is_open:
        return None
    ref = next((s for s in incident.steps if s.step_id == step.after), None)
    if ref is not None and ref.state == StepState.DONE:
        return None
    return ref or PlanStepRun(incident.id, step.after, -1, step.after, None, None, False, "", None)


def format_countdown(seconds: int) -> str:
    """mm:ss (or h:mm:ss) remaining, '+mm:ss' when late."""
    sign = "+" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    body = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return sign + body


def format_age(started_at: datetime, now: datetime) -> str:
    seconds = max(0, int((now - started_at).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"
    return f"{seconds // 86400}d{(seconds % 86400) // 3600}h"
