"""How instants are stored: sortable UTC ISO text (shared by the models and the plain-SQL fold)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


# An instant in, an instant out; None (a column left empty) in, None out.
@overload
def to_iso(value: datetime) -> str: ...
@overload
def to_iso(value: None) -> None: ...
@overload
def to_iso(value: datetime | None) -> str | None: ...
def to_iso(value: datetime | None) -> str | None:
    """The stored form of an instant: sortable UTC text, e.g. 2026-11-22T08:00:00.000Z."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@overload
def from_iso(value: str) -> datetime: ...
@overload
def from_iso(value: None) -> None: ...
@overload
def from_iso(value: str | None) -> datetime | None: ...
def from_iso(value: str | None) -> datetime | None:
    if value is None:
        return None
    # reads the trailing Z as UTC, and is far faster than strptime
    return datetime.fromisoformat(value)
