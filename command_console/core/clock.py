"""The one source of "now", and hybrid logical clock stamps.

Every module takes a Clock; tests pass a FakeClock and move time by hand.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

UTC = UTC
HLC_COUNTER_BITS = 16


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 22, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        self._now += timedelta(seconds=seconds, **kwargs)
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant


def to_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def next_hlc(now: datetime, last_hlc: int) -> int:
    """A hybrid logical clock stamp greater than last_hlc and not behind physical time.

    The stamp is wall milliseconds shifted left by 16 bits plus a counter, so it sorts
    as an integer and still tells the wall time of the operation.
    """
    physical = to_ms(now) << HLC_COUNTER_BITS
    return max(physical, last_hlc + 1)


def hlc_time(hlc: int) -> datetime:
    return from_ms(hlc >> HLC_COUNTER_BITS)


def monotonic() -> float:
    return time.monotonic()
