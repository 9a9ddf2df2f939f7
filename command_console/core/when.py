"""Reading times the lead types, in one place for every field (CLI options, the report's
time of occurrence, the console's boxes):

  14:05 · 2026-11-22 14:05 · 2026-11-22T09:30:00+08:00 (ISO 8601, zone optional)
  10m ago · 8 min ago · 2 hours ago · 1h30m ago · -1h · 8分钟前 · 2小时前

Full-width digits and colons (１４：０５) are read like ASCII ones. A value out of range
(more than MAX_YEARS from now) is a UserError, never an OverflowError.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from command_console.core.errors import UserError
from command_console.i18n import N_, _

ACCEPTED = N_("HH:MM, YYYY-MM-DD HH:MM, ISO 8601 with zone, '10m ago', '2 hours ago' or '8分钟前'")
MAX_YEARS = 50
_MAX_SPAN = timedelta(days=366 * MAX_YEARS)
_UNIT_SECONDS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "秒": 1,
    "秒钟": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "分": 60,
    "分钟": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "小时": 3600,
    "个小时": 3600,
    "时": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "天": 86400,
}
_UNITS = "|".join(sorted((re.escape(u) for u in _UNIT_SECONDS), key=len, reverse=True))
_PART = re.compile(rf"(\d+)\s*({_UNITS})", re.IGNORECASE)
_RELATIVE = re.compile(rf"^(-)?\s*((?:\d+\s*(?:{_UNITS})\s*)+)(ago|前|以前|之前)?$", re.IGNORECASE)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_when(text: str, now: datetime, zone: ZoneInfo, *, field: str = "time") -> datetime:
    """An aware instant in now's zone (UTC). Local forms are read in the site's zone."""
    value = unicodedata.normalize("NFKC", text).strip()
    relative = _relative(value, text, field)
    if relative is not None:
        return _checked(lambda: now - relative, text, field)
    parsed = _absolute(value, now, zone)
    if parsed is None:
        raise UserError(
            _("{field} {value!r} is not a time; use {accepted}").format(
                field=_(field), value=_shown(text), accepted=_(ACCEPTED)
            )
        )
    result = _checked(lambda: parsed.astimezone(now.tzinfo), text, field)
    if abs(result - now) > _MAX_SPAN:
        raise _out_of_range(text, field)
    return result


def _absolute(value: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    if _CLOCK.fullmatch(value):
        return _clock_time(value, now, zone)
    if not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None  # fromisoformat also takes forms nobody types (20261122, 2026-W47)
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _relative(value: str, text: str, field: str) -> timedelta | None:
    """'10m ago', '-1h', '8分钟前' -> the span; None when value is not relative."""
    match = _RELATIVE.match(value)
    if not match or not (match.group(1) or match.group(3)):
        return None
    parts = _PART.findall(match.group(2))
    if any(len(number) > 12 for number, _unit in parts):
        raise _out_of_range(text, field)
    seconds = sum(int(number) * _UNIT_SECONDS[unit.lower()] for number, unit in parts)
    if seconds > _MAX_SPAN.total_seconds():
        raise _out_of_range(text, field)
    return timedelta(seconds=seconds)


def _checked(compute: Callable[[], datetime], text: str, field: str) -> datetime:
    try:
        return compute()
    except (OverflowError, ValueError):
        raise _out_of_range(text, field) from None


def _out_of_range(text: str, field: str) -> UserError:
    return UserError(
        _("{field} {value!r} is out of range (more than {years} years from now)").format(
            field=_(field), value=_shown(text), years=MAX_YEARS
        )
    )


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _clock_time(value: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    match = _CLOCK.fullmatch(value)
    if match is None:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    local_now = now.astimezone(zone)
    candidate = local_now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    if candidate > local_now + timedelta(minutes=1):
        candidate -= timedelta(days=1)  # '23:50' typed at 00:10 means yesterday
    return candidate


def parse_stamp(text: str) -> datetime | None:
    """A date with a time as kept in a report ('2026-11-22 14:05', ISO 8601 with or without a
    zone, full-width digits too), or None: the same forms parse_when reads."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not re.match(r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}", value):
        return None
    try:
        return datetime.fromisoformat(value.replace(" ", "T", 1))
    except (ValueError, OverflowError):
        return None


def check_started_at(started: datetime, now: datetime) -> None:
    if started > now + timedelta(minutes=1):
        raise UserError(
            _("started-at {when}Z is in the future").format(when=f"{started:%Y-%m-%d %H:%M}")
        )
    if started < now - timedelta(days=7):
        raise UserError(
            _("started-at {when}Z is more than 7 days ago").format(when=f"{started:%Y-%m-%d %H:%M}")
        )


def local(instant: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return instant.astimezone(zone).strftime(fmt) if instant else ""


def as_local_text(text: str, now: datetime, zone: ZoneInfo, *, field: str = "time") -> str:
    """What the lead typed, as 'YYYY-MM-DD HH:MM' in the site's zone (how the report keeps it)."""
    return local(parse_when(text, now, zone, field=field), zone)
