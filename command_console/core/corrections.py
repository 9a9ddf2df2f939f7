"""How a corrected or retracted log entry reads wherever it is shown: the original text is
never hidden, the correction says who made it, when and why."""

from __future__ import annotations

from command_console.core.incidents import TimelineEntry
from command_console.i18n import _


def mark(entry: TimelineEntry, when: str) -> str:
    """A short mark for a corrected or retracted entry ('' for any other), e.g.
    'corrected by Li Wei at 14:05: wrong hall'; when: the correction's time as shown."""
    amendment = entry.amendment
    if amendment is None:
        return ""
    if amendment.retracted:
        return _("retracted by {author} at {when}: {reason}").format(
            author=amendment.author, when=when, reason=amendment.reason
        )
    return _("corrected by {author} at {when}: {reason}").format(
        author=amendment.author, when=when, reason=amendment.reason
    )


def current_text(entry: TimelineEntry) -> str:
    """What the entry says now: its corrected text, '' when retracted, else as logged."""
    amendment = entry.amendment
    if amendment is None:
        return entry.text
    return "" if amendment.retracted else amendment.text


def plain(entry: TimelineEntry, when: str) -> str:
    """One line of plain text: the entry as logged, its correction and the mark, e.g.
    '[retracted by Li at 14:05: wrong incident] Fire in hall B' or
    'Fire in hall A [corrected by Li at 14:05: wrong hall; was: Fire in hall B]'."""
    amendment = entry.amendment
    if amendment is None:
        return entry.text
    if amendment.retracted:
        return f"[{mark(entry, when)}] {entry.text}"
    return _("{text} [{mark}; was: {original}]").format(
        text=amendment.text, mark=mark(entry, when), original=entry.text
    )
