"""Reading times the lead types: '14:05', '2026-11-22 14:05', '10m ago', '-1h'."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from command_console.core.errors import UserError
from command_console.core.plans import parse_duration

ACCEPTED = "HH:MM, YYYY-MM-DD HH:MM, ISO 8601 with zone, or '10m ago'"
_AGO = re.compile(r"^(?:-\s*)?(\S+?)(?:\s+ago)?$")


def parse_when(text: str, now: datetime, zone: ZoneInfo, *, field: str = "time") -> datetime:
    """An aware UTC instant. Local forms are read in the site's zone."""
    value = text.strip()
    relative = _relative(value)
    if relative is not None:
        return now - relative
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        parsed = _clock_time(value, now, zone)
    if parsed is None:
        raise UserError(f"{field} {text!r} is not a time; use {ACCEPTED}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(now.tzinfo)


def _relative(value: str) -> timedelta | None:
    if not (value.startswith("-") or value.endswith(" ago")):
        return None
    match = _AGO.match(value)
    try:
        return timedelta(seconds=parse_duration(match.group(1))) if match else None
    except ValueError:
        return None


def _clock_time(value: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value)
    if not match:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    local_now = now.astimezone(zone)
    candidate = local_now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    if candidate > local_now + timedelta(minutes=1):
        candidate -= timedelta(days=1)  # '23:50' typed at 00:10 means yesterday
    return candidate


def check_started_at(started: datetime, now: datetime) -> None:
    if started > now + timedelta(minutes=1):
        raise UserError(f"started-at {started:%Y-%m-%d %H:%M}Z is in the future")
    if started < now - timedelta(days=7):
        raise UserError(f"started-at {started:%Y-%m-%d %H:%M}Z is more than 7 days ago")


def local(instant: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return instant.astimezone(zone).strftime(fmt) if instant else ""
