"""Incidents, their plan steps, timeline entries and shifts, as plain data."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar


class Severity(StrEnum):
    GENERAL = "general"
    SERIOUS = "serious"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 (general) to 3 (critical); an unknown stored value (see read_enum) ranks first."""
        levels = list(Severity)
        return levels.index(self) if self in levels else len(levels)

    @property
    def label_zh(self) -> str:
        return {"general": "一般", "serious": "较大", "major": "重大", "critical": "特别重大"}.get(
            self.value, self.value
        )


E = TypeVar("E", bound=StrEnum)


def read_enum(kind: type[E], value: str) -> E:
    """A stored value as a member of its enum; a value this version does not know (a newer
    console's, or a damaged row) becomes a stand-in member that shows as it is, so reads
    never fail on what the database holds."""
    try:
        return kind(value)
    except ValueError:
        member = str.__new__(kind, str(value))
        member._name_, member._value_ = "UNKNOWN", str(value)
        return member


class Status(StrEnum):
    ACTIVE = "active"
    CONTAINED = "contained"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"  # opened by mistake or a duplicate: kept, out of every count


CLOSED = (Status.RESOLVED, Status.CANCELLED)


class StepState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


class EntryKind(StrEnum):
    NOTE = "note"  # typed by the lead
    CALL = "call"  # a call attempt and its outcome
    STEP = "step"  # a step done / skipped / reopened / acknowledged
    STATUS = "status"  # opened, severity or status changed, resolved
    REPORT = "report"  # report completed
    SHIFT = "shift"  # shift started, handed over
    CONFLICT = "conflict"  # two consoles set one field concurrently; the later value was kept


class CallOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no answer"
    LEFT_MESSAGE = "left message"


# Console ids use an alphabet without look-alike characters (no 0/o, 1/l).
CONSOLE_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
CONSOLE_ID_LENGTH = 4


def new_console_id() -> str:
    return "".join(secrets.choice(CONSOLE_ID_ALPHABET) for _ in range(CONSOLE_ID_LENGTH))


def incident_id(number: int, console_id: str) -> str:
    """Short, typeable, and unique across consoles: '<n>-<console>', e.g. '3-k7qd'."""
    return f"{number}-{console_id}"


def incident_number(incident_id_: str) -> int:
    head = incident_id_.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


@dataclass(frozen=True)
class PlanStepRun:
    """One step of an incident's plan, with its live state."""

    incident_id: str
    step_id: str
    position: int
    text: str
    deadline_s: int | None
    contact_role: str | None
    escalate: bool
    note: str
    due_at: datetime | None
    state: StepState = StepState.PENDING
    state_at: datetime | None = None
    state_by: str = ""
    state_note: str = ""
    acked_at: datetime | None = None
    text_zh: str = ""
    note_zh: str = ""
    after: str | None = (
        None  # step id: the deadline counts from its completion (waiting until then)
    )
    from_severity: str | None = None  # added when the incident's severity reached this level
    at_once: bool = False  # urgent from the start; never rings as overdue
    guidance: bool = False  # not in the source plans: shown as guidance
    added_at: datetime | None = None  # when a severity raise added it (None: from the start)

    @property
    def is_open(self) -> bool:
        return self.state == StepState.PENDING

    def text_in(self, language: str) -> str:
        """The Chinese text for a zh language when the plan had one, else the English."""
        return self.text_zh if self.text_zh and language.lower().startswith("zh") else self.text

    def note_in(self, language: str) -> str:
        return self.note_zh if self.note_zh and language.lower().startswith("zh") else self.note


@dataclass(frozen=True)
class Incident:
    id: str
    title: str
    plan_id: str
    plan_title: str
    category: str
    severity: Severity
    status: Status
    started_at: datetime
    opened_at: datetime
    opened_by: str
    console_id: str
    resolved_at: datetime | None = None
    steps: tuple[PlanStepRun, ...] = field(default=(), compare=False)
    drill: bool = False  # opened as a drill: marked everywhere, never counted as a real incident

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    @property
    def is_cancelled(self) -> bool:
        return self.status == Status.CANCELLED


@dataclass(frozen=True)
class Amendment:
    """The latest correction or retraction of a log entry (the entry keeps its text)."""

    text: str  # the corrected text ("" when retracted)
    retracted: bool
    reason: str
    author: str
    at: datetime
    count: int = 1  # how many corrections the entry has had


@dataclass(frozen=True)
class TimelineEntry:
    id: str
    incident_id: str
    at: datetime
    author: str
    console_id: str
    kind: EntryKind
    text: str  # as first logged, never changed
    amendment: Amendment | None = None


@dataclass(frozen=True)
class Call:
    """A call attempt to a contact and its outcome ('reached', 'no answer', 'left message')."""

    id: str
    incident_id: str
    contact_id: str
    name: str
    phone: str
    role: str
    outcome: str
    at: datetime
    author: str


@dataclass(frozen=True)
class Shift:
    id: str
    lead: str
    started_at: datetime
    ended_at: datetime | None = None
    handover_note: str = ""
    next_lead: str = ""
