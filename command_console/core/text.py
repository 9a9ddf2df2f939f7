"""Cleaning user text: terminal control characters never get stored or shown."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from command_console.core.errors import UserError
from command_console.i18n import _

LOG_ENTRY_LIMIT = 2000
TITLE_LIMIT = 200
FIELD_LIMIT = 8000
NAME_LIMIT = 200

# Invisible format characters (category Cf: bidi overrides and marks, zero-width spaces,
# BOM ...) can make text display differently from how it was typed. Zero-width (non-)
# joiners stay: some scripts and emoji need them.
_KEEP_FORMAT = {"\u200c", "\u200d"}
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def clean(text: str, *, multiline: bool = False) -> str:
    """Strip escape sequences and control characters; keep newlines only if asked.
    Normalised (NFC) last, so cleaning cleaned text changes nothing."""
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    if not text.isprintable():  # the common case has nothing to strip
        text = "".join(ch for ch in text if ch == "\n" or _visible(ch))
    return unicodedata.normalize("NFC", text)


def _visible(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Zl", "Zp"):  # controls, lone surrogates, line/paragraph separators
        return False
    return category != "Cf" or ch in _KEEP_FORMAT


def shown(text: object, *, multiline: bool = False) -> str:
    """Text read from the database, safe to show: what another console or a hand edit
    stored may hold escape sequences; printable text (the usual case) is returned as is."""
    text = text if isinstance(text, str) else ("" if text is None else str(text))
    return text if text.isprintable() else clean(text, multiline=multiline)


def clean_line(text: str, *, field: str, limit: int) -> str:
    """One line of user text, cleaned, non-empty, within limit characters.
    field names the box in errors: mark it with N_() where it is written."""
    cleaned = clean(text).strip()
    if not cleaned:
        raise UserError(_("{field} is empty").format(field=_(field)))
    return _within(cleaned, field, limit)


def _within(cleaned: str, field: str, limit: int) -> str:
    if len(cleaned) > limit:
        raise UserError(
            _("{field} is {length} characters; the limit is {limit}").format(
                field=_(field), length=len(cleaned), limit=limit
            )
        )
    return cleaned


def clean_block(text: str, *, field: str, limit: int = FIELD_LIMIT) -> str:
    """Multi-line user text (report fields, notes), cleaned, within limit."""
    return _within(clean(text, multiline=True).strip(), field, limit)


def cell_width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# What separates the parts of a line: a cut never ends on one ('部门负责人, …', 'note ·…').
SEPARATORS = " \t,，、;；:：·|/-–—(（"


def cut_length(text: str, width: int, measure: Callable[[str], int] = cell_width) -> int:
    """How many characters of `text` go before the '…' when it is cut to `width` cells:
    whole characters that leave a cell for the '…', never ending in a space or a separator,
    so a cut text reads '部门负责人…', not '部门负责人,  …'. `measure` counts cells (the
    screen passes Rich's cell_len)."""
    used, keep = 0, 0
    for ch in text:
        used += measure(ch)
        if used > width - 1:
            break
        keep += 1
    return len(text[:keep].rstrip(SEPARATORS))


def pad(text: str, width: int) -> str:
    """Cut or pad to exactly width columns, counting wide characters as two. A cut text
    always ends in '…' (an English title cut at the column's edge looked whole), never
    right after a separator."""
    if cell_width(text) <= width:
        return text + " " * (width - cell_width(text))
    if width < 1:
        return ""
    cut = text[: cut_length(text, width)] + "…"
    return cut + " " * (width - cell_width(cut))


def at_least(text: str, width: int) -> str:
    """Padded to width columns like pad(), but a longer text is kept whole, never cut
    (a list's phone numbers and roles: the next column moves along instead)."""
    return text if cell_width(text) >= width else pad(text, width)
