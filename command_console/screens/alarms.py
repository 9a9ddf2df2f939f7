"""Which overdue steps ring now: the first time they pass their deadline, then every
`repeat_s` seconds until done, skipped or acknowledged. Plain logic, no widgets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from command_console.core.contacts import Contact, contacts_for_role
from command_console.core.incidents import Incident, PlanStepRun
from command_console.core.timers import overdue_steps


@dataclass
class AlarmTracker:
    repeat_s: int
    last_rung: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def due(self, incidents: list[Incident], now: datetime) -> list[tuple[Incident, PlanStepRun]]:
        ring, alarming = [], set()
        for incident in incidents:
            if not incident.is_open:
                continue
            for step in overdue_steps(incident, now):
                if step.acked_at is not None:
                    continue
                key = (incident.id, step.step_id)
                alarming.add(key)
                last = self.last_rung.get(key)
                if last is None or (now - last).total_seconds() >= self.repeat_s:
                    self.last_rung[key] = now
                    ring.append((incident, step))
        for key in set(self.last_rung) - alarming:
            del self.last_rung[key]
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
