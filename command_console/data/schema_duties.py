"""Readable tables of the duties (folded from their operations, see fold_duties.py)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from command_console.data.schema import _time


class IncidentFlagsRow(SQLModel, table=True):
    """Whether an incident is a drill, and when it was archived."""

    __tablename__ = "incident_flags"
    incident_id: str = Field(primary_key=True)
    drill: bool = False
    archived_at: datetime | None = _time(nullable=True)
    archived_by: str = ""


class UpwardRuleRow(SQLModel, table=True):
    """The upward-report rule an incident was opened with (held until its severity applies)."""

    __tablename__ = "upward_rules"
    incident_id: str = Field(primary_key=True)
    role: str = Field(primary_key=True)
    position: int
    deadline_s: int
    from_severity: str


class UpwardDueRow(SQLModel, table=True):
    """A report the incident requires: to a role, by a time; told_at once somebody was told."""

    __tablename__ = "upward_dues"
    incident_id: str = Field(primary_key=True)
    role: str = Field(primary_key=True)
    position: int
    deadline_s: int
    due_at: datetime = _time()
    added_at: datetime | None = _time(nullable=True)  # set when a severity raise added it
    told_at: datetime | None = _time(nullable=True)
    told_to: str = ""


class UpwardReportRow(SQLModel, table=True):
    """Somebody was told: whom, how, when, which report version."""

    __tablename__ = "upward_reports"
    id: str = Field(primary_key=True)  # the op's id
    incident_id: str = Field(index=True)
    to: str
    role: str | None = None
    via: str
    told_at: datetime = _time()
    version: int
    version_kind: str
    author: str


class ReportVersionRow(SQLModel, table=True):
    """A version of the seven-field report as it was first sent; never changed afterwards."""

    __tablename__ = "report_versions"
    incident_id: str = Field(primary_key=True)
    number: int = Field(primary_key=True)
    kind: str
    fields: str  # canonical JSON
    frozen_at: datetime = _time()
    frozen_by: str


class ReviewFieldRow(SQLModel, table=True):
    __tablename__ = "review_fields"
    incident_id: str = Field(primary_key=True)
    field: str = Field(primary_key=True)
    value: str
    updated_at: datetime = _time()
    updated_by: str


class ActionRow(SQLModel, table=True):
    """A corrective action of a review: open until closed with a note."""

    __tablename__ = "review_actions"
    id: str = Field(primary_key=True)
    incident_id: str = Field(index=True)
    text: str
    owner: str
    due_at: datetime = _time()
    status: str = "open"
    created_at: datetime = _time()
    created_by: str
    done_at: datetime | None = _time(nullable=True)
    done_by: str = ""
    done_note: str = ""


class RoutineLogRow(SQLModel, table=True):
    """A shift routine done (patrol, daily summary sent)."""

    __tablename__ = "routine_log"
    id: str = Field(primary_key=True)  # the op's id
    entity: str = Field(index=True)
    console_id: str
    routine: str
    title: str
    at: datetime = _time()
    author: str
    note: str = ""


DUTY_TABLES = (
    IncidentFlagsRow,
    UpwardRuleRow,
    UpwardDueRow,
    UpwardReportRow,
    ReportVersionRow,
    ReviewFieldRow,
    ActionRow,
    RoutineLogRow,
)
