"""Which overdue steps ring now: the first time they pass their deadline, then every
`repeat_s` seconds until done, skipped or acknowledged. Plain logic, no widgets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from command_console.core.contacts import Contact, contacts_for_role
from command_console.core.incidents import Incident, PlanStepRun


@dataclass
class AlarmTracker:
    repeat_s: int
    last_rung: dict[tuple[str, str], datetime] = field(default_factory=dict)
    _checked: Mapping | None = None  # the incidents of the last full check...
    _quiet_until: datetime | None = None  # ...and until when nothing can ring (None: never)

    def due(self, incidents: Mapping[str, Incident], now: datetime) -> list[tuple[Incident, PlanStepRun]]:
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


def whom_to_call(step: PlanStepRun, contacts: list[Contact]) -> Contact | None:
    if not step.contact_role:
        return None
    chosen = contacts_for_role(contacts, step.contact_role)
    return chosen[0] if chosen else None


def alarm_message(incident: Incident, step: PlanStepRun, contact: Contact | None, now: datetime) -> str:
    late = int((now - step.due_at).total_seconds()) if step.due_at else 0
    who = f"call {contact.name} {contact.phones[0] if contact.phones else ''}".rstrip() if contact else (
        f"contact: {step.contact_role}" if step.contact_role else "no contact named")
    return f"{incident.id} {incident.title}\nOverdue {late // 60:02d}:{late % 60:02d}: {step.text}\n→ {who}"
