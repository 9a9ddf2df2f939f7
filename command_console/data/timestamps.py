"""How instants are stored: sortable UTC ISO text (shared by the models and the plain-SQL fold)."""

from __future__ import annotations

from datetime import UTC, datetime


def to_iso(value: datetime | None) -> str | None:
    """The stored form of an instant: sortable UTC text, e.g. 2026-11-22T08:00:00.000Z."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def from_iso(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(
        value
    )  # reads the trailing Z as UTC, and is far faster than strptime
