"""Resolving what the user typed (ids, plan names, steps, fields) to one thing."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from command_console.core.errors import NotFound


def resolve(query: str, candidates: Iterable[str], what: str) -> str:
    """Exact match, else a unique prefix; a bare number N also matches 'N-...' ids.

    Raises NotFound with close matches, or with the choices when the prefix is ambiguous.
    """
    names = list(candidates)
    query = query.strip()
    if query in names:
        return query
    if query.isdigit():
        numbered = [n for n in names if n.startswith(query + "-")]
        if len(numbered) == 1:
            return numbered[0]
    matches = [n for n in names if n.startswith(query)] if query else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise NotFound(f"{what} {query!r} is ambiguous: {', '.join(sorted(matches)[:8])}")
    raise NotFound(f"unknown {what} {query!r}{_suggest(query, names)}")


def _suggest(query: str, names: list[str]) -> str:
    close = difflib.get_close_matches(query, names, n=3, cutoff=0.5)
    if not close:
        close = [n for n in names if query and query.lower() in n.lower()][:3]
    if close:
        return f"; did you mean {', '.join(close)}?"
    if names and len(names) <= 12:
        return f"; known: {', '.join(names)}"
    return ""
