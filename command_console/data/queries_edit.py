"""Reads of the lead's fixes: each timeline entry with its latest correction, and the log
entries a lead may correct."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from command_console.core.errors import NotFound, UserError
from command_console.core.incidents import Amendment, EntryKind, TimelineEntry
from command_console.core.text import shown
from command_console.data.store import Store
from command_console.data.timestamps import from_iso
from command_console.i18n import _, ngettext

_SELECT = "SELECT entry_id, incident_id, text, retracted, reason, author, at FROM entry_amendments"
CHUNK = 500  # ids per query (SQLite's bound-parameter limit is far above)


def amendments(store: Store, entries: Sequence[TimelineEntry]) -> dict[str, Amendment]:
    """The latest correction of each entry that has one (by the ops' order), with how many."""
    found: dict[str, Amendment] = {}
    ids = [e.id for e in entries]
    incident_of = {e.id: e.incident_id for e in entries}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"{_SELECT} WHERE entry_id IN ({marks}) ORDER BY hlc, console_id, id"
        rows = store.rows(sql, *chunk)
        for r in rows:
            if incident_of.get(r.entry_id) != r.incident_id:
                continue  # a correction names the incident of its entry, or it is none
            before = found.get(r.entry_id)
            found[r.entry_id] = Amendment(
                shown(r.text, multiline=True),
                bool(r.retracted),
                shown(r.reason, multiline=True),
                shown(r.author),
                from_iso(r.at),
                (before.count + 1) if before else 1,
            )
    return found


def with_amendments(store: Store, entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    entries = list(entries)
    found = amendments(store, entries)
    return [replace(e, amendment=found[e.id]) if e.id in found else e for e in entries]


FIXABLE = (EntryKind.NOTE, EntryKind.CALL)  # a call logged by mistake may be retracted


def log_notes(store: Store, incident_id: str) -> list[TimelineEntry]:
    """The log entries a lead may fix on an incident (typed notes: corrected or retracted;
    call lines: retracted), newest first, each with its latest correction."""
    from command_console.data import queries

    notes = [e for e in queries.timeline(store, incident_id) if e.kind in FIXABLE]
    return list(reversed(notes))


def find_note(store: Store, incident_id: str, query: str) -> TimelineEntry:
    """A note of the incident by 'last', its number counted from the newest (1 = newest),
    or a prefix of its id (at least 4 characters)."""
    notes = log_notes(store, incident_id)
    if not notes:
        raise UserError(_("{id} has no log entry to correct").format(id=incident_id))
    query = query.strip().lower()
    if query in ("last", "latest"):
        return notes[0]
    if query.isdigit() and len(query) < 4:
        number = int(query)
        if 1 <= number <= len(notes):
            return notes[number - 1]
        raise NotFound(
            ngettext(
                "{id} has {n} log entry: pick 1 (newest) to {n}",
                "{id} has {n} log entries: pick 1 (newest) to {n}",
                len(notes),
            ).format(id=incident_id, n=len(notes))
        )
    matches = [n for n in notes if len(query) >= 4 and n.id.startswith(query)]
    if len(matches) != 1:
        raise NotFound(
            _("no single log entry of {id} has an id starting {query!r}").format(
                id=incident_id, query=query
            )
        )
    return matches[0]
