"""SQLite tables. `ops` is the truth; every other table is a fold of it (see fold.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel

from command_console.data.engine import APP_MARK, SCHEMA_VERSION  # noqa: F401  (re-exported)
from command_console.data.timestamps import from_iso, to_iso


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes stored as sortable ISO text (see to_iso)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> str | None:
        return to_iso(value)

    def process_result_value(self, value: str | None, dialect) -> datetime | None:
        return from_iso(value)


def _time(nullable: bool = False):
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class OpRow(SQLModel, table=True):
    __tablename__ = "ops"
    __table_args__ = (
        UniqueConstraint("console_id", "seq"),
        Index("ix_ops_entity_hlc", "entity", "hlc"),
        # SQLite keys every index entry by rowid too, so this one answers "this console's
        # ops committed since rowid N" with a seek (sync's polls and publishing), where the
        # (console_id, seq) index had to walk every op of the console.
        Index("ix_ops_console_rowid", "console_id"),
    )
    id: str = Field(primary_key=True)
    console_id: str
    seq: int
    hlc: int = Field(index=True)
    kind: str
    entity: str
    author: str
    payload: str  # canonical JSON
    v: int
    prev_hash: str
    hash: str
    wall: int = 0  # author's clock at writing, ms (0 for format 1)
    sig: str = ""


class QuarantineRow(SQLModel, table=True):
    """An operation from another console that was refused: kept aside, never applied."""

    __tablename__ = "quarantine"
    console_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    file: str = Field(primary_key=True)
    op_id: str = ""
    reason: str
    at: datetime = _time()
    record: str = ""  # the op as read (cut to a few KiB), for whoever investigates


class PeerRow(SQLModel, table=True):
    """Another console's public key, pinned on first sight (trust on first use)."""

    __tablename__ = "peers"
    console_id: str = Field(primary_key=True)
    public_key: str
    status: str  # approved | pending | revoked
    first_seen: datetime = _time()
    last_seen: datetime | None = _time(nullable=True)
    rejected: int = 0
    key_mismatch: str = ""  # a different key later found in the share (refused)


class ReissuedRow(SQLModel, table=True):
    """An operation carried by a re-issue (another console id's op written again by a copied
    data directory under its new id): kept beside the ops so sync and the fold find it by id."""

    __tablename__ = "reissued"
    op_id: str = Field(primary_key=True)  # the original's id
    reissue_id: str
    console_id: str  # the original's console
    seq: int  # the original's seq
    hash: str  # the original's hash


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class IncidentRow(SQLModel, table=True):
    __tablename__ = "incidents"
    id: str = Field(primary_key=True)
    title: str
    plan_id: str
    plan_title: str
    category: str
    severity: str
    status: str = Field(index=True)
    started_at: datetime = _time()
    opened_at: datetime = _time()
    opened_by: str
    console_id: str
    resolved_at: datetime | None = _time(nullable=True)
    report_status: str = "draft"


class StepRow(SQLModel, table=True):
    __tablename__ = "steps"
    incident_id: str = Field(primary_key=True)
    step_id: str = Field(primary_key=True)
    position: int
    text: str
    deadline_s: int | None = None
    contact_role: str | None = None
    escalate: bool = False
    note: str = ""
    due_at: datetime | None = _time(nullable=True)
    state: str = "pending"
    state_at: datetime | None = _time(nullable=True)
    state_by: str = ""
    state_note: str = ""
    acked_at: datetime | None = _time(nullable=True)
    text_zh: str = ""
    note_zh: str = ""
    after_step: str | None = None
    from_severity: str | None = None
    at_once: bool = False
    guidance: bool = False
    added_at: datetime | None = _time(nullable=True)


class HeldStepRow(SQLModel, table=True):
    """Plan steps that apply from a higher severity than the incident has: a raise moves them to steps."""

    __tablename__ = "held_steps"
    incident_id: str = Field(primary_key=True)
    step_id: str = Field(primary_key=True)
    position: int
    step: str  # the plan snapshot's step, canonical JSON


class EntryRow(SQLModel, table=True):
    __tablename__ = "entries"
    __table_args__ = (
        Index("ix_entries_incident_hlc", "incident_id", "hlc"),
        Index("ix_entries_entity", "entity"),
    )
    id: str = Field(primary_key=True)  # the id of the operation that made it
    entity: str
    incident_id: str  # "" for shift-level entries
    hlc: int
    at: datetime = _time()
    author: str
    console_id: str
    kind: str
    text: str


class CallRow(SQLModel, table=True):
    """A call attempt to a contact and its outcome (also shown as a timeline entry)."""

    __tablename__ = "calls"
    id: str = Field(primary_key=True)  # the id of the operation that made it
    entity: str = Field(index=True)
    incident_id: str
    contact_id: str
    name: str
    phone: str
    role: str = ""
    outcome: str
    at: datetime = _time()
    author: str


class ReportFieldRow(SQLModel, table=True):
    __tablename__ = "report_fields"
    incident_id: str = Field(primary_key=True)
    field: str = Field(primary_key=True)
    value: str
    updated_at: datetime = _time()
    updated_by: str


class ContactRow(SQLModel, table=True):
    __tablename__ = "contacts"
    id: str = Field(primary_key=True)
    name: str
    roles: str  # JSON object role -> rank
    phones: str  # JSON list
    notes: str = ""
    on_duty: bool = True


class ShiftRow(SQLModel, table=True):
    __tablename__ = "shifts"
    id: str = Field(primary_key=True)
    console_id: str = Field(default="", index=True)  # shifts are per console
    lead: str
    started_at: datetime = _time()
    ended_at: datetime | None = _time(nullable=True)
    handover_note: str = ""
    next_lead: str = ""
    summary: str = "{}"  # JSON


class StampRow(SQLModel, table=True):
    """The operation that last set each scalar field: last-writer-wins bookkeeping."""

    __tablename__ = "stamps"
    entity: str = Field(primary_key=True)
    field: str = Field(primary_key=True)
    op_id: str
    console_id: str
    hlc: int


class ConflictRow(SQLModel, table=True):
    """A concurrent overwrite: two consoles set one field without seeing each other."""

    __tablename__ = "conflicts"
    id: str = Field(primary_key=True)  # the id of the op that won
    entity: str = Field(index=True)
    field: str
    kept_value: str
    lost_value: str
    lost_op: str
    lost_console: str
    at: datetime = _time()


# Tables derived from ops: cleared and refilled by a rebuild, compared by digests.
FOLDED_TABLES: tuple[type[SQLModel], ...] = (
    IncidentRow,
    StepRow,
    HeldStepRow,
    EntryRow,
    CallRow,
    ReportFieldRow,
    ContactRow,
    ShiftRow,
    StampRow,
    ConflictRow,
)

from command_console.data.schema_duties import DUTY_TABLES  # noqa: E402  (they use _time above)

FOLDED_TABLES += DUTY_TABLES

from command_console.data.schema_edit import EDIT_TABLES  # noqa: E402  (log-entry corrections)

FOLDED_TABLES += EDIT_TABLES
