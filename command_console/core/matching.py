"""Resolving what the user typed (ids, plan names, steps, fields) to one thing."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from command_console.core.errors import NotFound
from command_console.i18n import _, pgettext


def thing(what: str) -> str:
    """The name of what was looked up, in the chosen language: callers pass the English
    word ('incident', 'plan'), an option name ('--via') stays as it is."""
    if what.startswith("step of "):
        return _("step of {incident}").format(incident=what.removeprefix("step of "))
    return {
        "incident": pgettext("looked up", "incident"),
        "plan": pgettext("looked up", "plan"),
        "report field": pgettext("looked up", "report field"),
        "review field": pgettext("looked up", "review field"),
        "status": pgettext("looked up", "status"),
        "step action": pgettext("looked up", "step action"),
        "shift": pgettext("looked up", "shift"),
        "severity": pgettext("looked up", "severity"),
        "corrective action": pgettext("looked up", "corrective action"),
    }.get(what, what)


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
        raise NotFound(_ambiguous(query, what, matches))
    raise NotFound(
        _("unknown {what} {query!r}{suggestion}").format(
            what=thing(what), query=query, suggestion=_suggest(query, names)
        )
    )


def _suggest(query: str, names: list[str]) -> str:
    close = difflib.get_close_matches(query, names, n=3, cutoff=0.5)
    if not close:
        close = [n for n in names if query and query.lower() in n.lower()][:3]
    if close:
        return _("; did you mean {choices}?").format(choices=", ".join(close))
    if names and len(names) <= 12:
        return _("; known: {choices}").format(choices=", ".join(names))
    return ""


def fuzzy_score(query: str, text: str) -> float:
    """How well query matches text as the plan picker filters: every query character in
    order (case-insensitive); consecutive runs and an early start score higher. 0 = no match."""
    needle, hay = query.casefold().replace(" ", ""), text.casefold()
    if not needle:
        return 0.0
    score, position, run = 0.0, 0, 0
    for ch in needle:
        found = hay.find(ch, position)
        if found < 0:
            return 0.0
        run = run + 1 if found == position and position else 1
        score += run + (2 if found == 0 or not hay[found - 1].isalnum() else 0)
        position = found + 1
    return score / (1 + len(hay) / 50)


def rank_named(query: str, names: dict[str, tuple[str, ...]]) -> list[str]:
    """The ids whose id or any title fuzzy-matches query, best first: the order a picker
    (the console's plan picker, the CLI's suggestions) shows them in."""
    wanted = query.strip()
    scored = [
        (max(fuzzy_score(wanted, t) for t in (key, *titles) if t), key)
        for key, titles in names.items()
    ]
    return [key for score, key in sorted(scored, key=lambda pair: -pair[0]) if score > 0]


def resolve_named(query: str, names: dict[str, tuple[str, ...]], what: str) -> str:
    """An id from an id or from one of its titles (e.g. a plan's English or Chinese title):
    an exact or unique-prefix id first, then a title equal to the query, then the only
    title containing it. Otherwise NotFound suggesting the best fuzzy matches (the plan
    picker's order); a fuzzy match is only suggested, never taken."""
    try:
        return resolve(query, names, what)
    except NotFound as not_an_id:
        wanted = query.strip().casefold()
        if not wanted:
            raise
        for test in (lambda t: t.casefold() == wanted, lambda t: wanted in t.casefold()):
            hits = [key for key, titles in names.items() if any(test(t) for t in titles if t)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise NotFound(_ambiguous(query, what, hits)) from None
        if difflib.get_close_matches(query.strip(), list(names), n=1, cutoff=0.5):
            raise  # the id itself was mistyped: its close matches say it best
        hits = rank_named(query, names)
        if not hits:
            by_title = {t: key for key, titles in names.items() for t in titles if t}
            hits = [
                by_title[t]
                for t in difflib.get_close_matches(query.strip(), list(by_title), n=3, cutoff=0.4)
            ]
        if hits:
            raise NotFound(
                _("unknown {what} {query!r}; did you mean {choices}?").format(
                    what=thing(what),
                    query=query,
                    choices=", ".join(_named(key, names) for key in dict.fromkeys(hits[:3])),
                )
            ) from None
        raise not_an_id from None


def _named(key: str, names: dict[str, tuple[str, ...]]) -> str:
    titles = [t for t in names.get(key, ()) if t]
    return f"{key} ({' / '.join(titles)})" if titles else key


def _ambiguous(query: str, what: str, hits: list[str]) -> str:
    return _("{what} {query!r} is ambiguous: {choices}").format(
        what=thing(what), query=query, choices=", ".join(sorted(hits)[:8])
    )
