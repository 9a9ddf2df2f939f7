"""Readable table of log-entry corrections (folded from `entry.amend`, see fold_edit.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from command_console.data.schema import _time


class EntryAmendmentRow(SQLModel, table=True):
    """One correction or retraction of a log entry. Kept whether or not the entry is here
    yet (ops from several consoles arrive in any order); a read shows the latest one."""

    __tablename__ = "entry_amendments"
    __table_args__ = (Index("ix_entry_amendments_entry", "entry_id"),)
    id: str = Field(primary_key=True)  # the id of the operation that made it
    entity: str = Field(index=True)
    incident_id: str
    entry_id: str
    hlc: int
    console_id: str
    at: datetime = _time()
    author: str
    text: str = ""
    retracted: bool = False
    reason: str = ""


EDIT_TABLES = (EntryAmendmentRow,)
