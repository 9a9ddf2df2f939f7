"""A corrected or retracted log entry in each export: the original struck through (never
left out), the correction beside it, and who corrected it, when and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from command_console.core import corrections
from command_console.core.incidents import TimelineEntry

MD = (("~~", "~~"), ("*(", ")*"))  # struck original, then the mark in italics
HTML = (("<del>", "</del>"), ("<em>(", ")</em>"))


def when(entry: TimelineEntry, zone: ZoneInfo) -> str:
    at: datetime | None = entry.amendment.at if entry.amendment else None
    return at.astimezone(zone).strftime("%m-%d %H:%M:%S") if at else ""


def plain(entry: TimelineEntry, zone: ZoneInfo) -> str:
    """For CSV and JSON: one line of text with the mark (see core/corrections.py)."""
    return corrections.plain(entry, when(entry, zone))


def markup(
    entry: TimelineEntry,
    zone: ZoneInfo,
    escape: Callable[[object], str],
    strike: tuple[str, str],
    note: tuple[str, str],
) -> str:
    """For Markdown and HTML: escape() makes text inert; strike and note wrap the original
    and the mark (e.g. ('~~', '~~') and ('*(', ')*'))."""
    if entry.amendment is None:
        return escape(entry.text)
    mark = corrections.mark(entry, when(entry, zone))
    struck = f"{strike[0]}{escape(entry.text)}{strike[1]}"
    new = "" if entry.amendment.retracted else " " + escape(entry.amendment.text)
    return f"{struck}{new} {note[0]}{escape(mark)}{note[1]}"
