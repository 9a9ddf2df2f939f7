"""Which overdue steps ring now: the first time they pass their deadline, then every
`repeat_s` seconds until done, skipped or acknowledged. Plain logic, no widgets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from command_console.core.contacts import Contact, contacts_for_role
from command_console.core.incidents import Call, CallOutcome, Incident, PlanStepRun


@dataclass
class AlarmTracker:
    repeat_s: int
    last_rung: dict[tuple[str, str], datetime] = field(default_factory=dict)
    _checked: Mapping | None = None  # the incidents of the last full check...
    _quiet_until: datetime | None = None  # ...and until when nothing can ring (None: never)

    def due(
        self, incidents: Mapping[str, Incident], now: datetime
    ) -> list[tuple[Incident, PlanStepRun]]:
        """Steps to ring now. `incidents` is replaced, not changed, when the data changes:
        while it is the same mapping, nothing rings before the earliest deadline or repeat."""
        if incidents is self._checked and (self._quiet_until is None or now < self._quiet_until):
            return []
        ring, alarming, wake = [], set(), []
        for incident in incidents.values():
            if not incident.is_open:
                continue
            for step in incident.steps:
                if not step.is_open or step.due_at is None or step.acked_at is not None:
                    continue
                if step.due_at > now:
                    wake.append(step.due_at)
                    continue
                key = (incident.id, step.step_id)
                alarming.add(key)
                last = self.last_rung.get(key)
                if last is None or (now - last).total_seconds() >= self.repeat_s:
                    self.last_rung[key] = last = now
                    ring.append((incident, step))
                wake.append(last + timedelta(seconds=self.repeat_s))
        for key in set(self.last_rung) - alarming:
            del self.last_rung[key]
        self._checked, self._quiet_until = incidents, min(wake, default=None)
        return ring


def call_order(step: PlanStepRun, contacts: list[Contact]) -> list[Contact]:
    """Whom to call for a step, in order: the plan's first then second contact, people on
    duty before people off duty (an off-duty first contact is tried after the second)."""
    if not step.contact_role:
        return []
    return sorted(contacts_for_role(contacts, step.contact_role), key=lambda c: not c.on_duty)


@dataclass(frozen=True)
class CallAdvice:
    """What the call log says about a step's contacts: who answered, who to try next."""

    next_contact: Contact | None
    reached: Contact | None = None
    unanswered: tuple[str, ...] = ()  # names tried without an answer, in order


def advise(step: PlanStepRun, contacts: list[Contact], calls: list[Call]) -> CallAdvice:
    """Follows the calls logged on the step's incident: after "no answer" from the first
    contact the advice names the second; once somebody is reached it says so."""
    order = call_order(step, contacts)
    latest: dict[str, Call] = {}
    for call in sorted(calls, key=lambda c: c.at):
        if call.incident_id == step.incident_id:
            latest[call.contact_id] = call
    reached = next(
        (c for c in order if c.id in latest and latest[c.id].outcome == CallOutcome.REACHED), None
    )
    tried = [c for c in order if c.id in latest and latest[c.id].outcome != CallOutcome.REACHED]
    untried = [c for c in order if c.id not in latest]
    following = untried[0] if untried else (tried[0] if tried else None)
    return CallAdvice(None if reached else following, reached, tuple(c.name for c in tried))


def whom_to_call(step: PlanStepRun, contacts: list[Contact]) -> Contact | None:
    order = call_order(step, contacts)
    return order[0] if order else None


def ringing(incidents, now: datetime) -> list[tuple[Incident, PlanStepRun]]:
    """Every overdue, unacknowledged open step of an open incident: most overdue first."""
    found = [
        (incident, step)
        for incident in incidents
        if incident.is_open
        for step in incident.steps
        if step.is_open and step.due_at is not None and step.due_at <= now and step.acked_at is None
    ]
    return sorted(found, key=lambda pair: pair[1].due_at)
