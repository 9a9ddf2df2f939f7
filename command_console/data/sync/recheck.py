"""After an upgrade, operations refused by the earlier release are checked again.

A console that refused another console's operations (kept aside in `quarantine`) never
reads their files or hub rows again. When the door changes (op_schema.DOOR_VERSION: a
release that admits a new kind, field or value raises it), what an older release refused
may be an honest operation of a newer console, refused only because it was newer: the
upgraded console forgets what it refused and reads those consoles' files, relayed files
and hub rows again from the first refused seq. What is still wrong is refused again, with
its reason; what now passes is merged, so mixed versions converge once all are upgraded.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from command_console.core.op_schema import DOOR_VERSION

if TYPE_CHECKING:
    import sqlite3

    from command_console.data.store import Store
    from command_console.data.sync.state import SyncState

DOOR_KEY = (
    "door.version"  # in meta (outside sync.*, which SyncState owns): the last pass's DOOR_VERSION
)


def recheck_after_upgrade(store: Store, state: SyncState) -> dict[str, int]:
    """When the door changed since the last pass: forget every refused operation and mark
    what must be read again (in `state` and the hub's and relay's bookkeeping), in one
    transaction. Returns console -> first seq to read again ({} when nothing changed)."""
    if _door(store) == DOOR_VERSION:
        return {}
    with store.transaction() as conn:
        first = dict(
            conn.execute("SELECT console_id, min(seq) FROM quarantine GROUP BY console_id")
        )
        conn.execute("DELETE FROM quarantine")
        conn.execute("UPDATE peers SET rejected = 0")
        for console in first:
            state.read_again(console)
        state.save_in(conn)
        _rewind_hub(conn, first)
        _forget_relayed(conn, set(first))
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            (DOOR_KEY, json.dumps(DOOR_VERSION)),
        )
    return first


def _door(store: Store) -> int | None:
    text = store.scalar("SELECT value FROM meta WHERE key = ?", DOOR_KEY)
    try:
        value = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return value if isinstance(value, int) else None


def _rewind_hub(conn: sqlite3.Connection, first: dict[str, int]) -> None:
    """The hub's watermarks go back to just before each console's first refused seq."""
    pulled = _meta_object(conn, "hub.pulled")
    if pulled is None:
        return
    for console, seq in first.items():
        if isinstance(pulled.get(console), int):
            pulled[console] = min(pulled[console], max(0, seq - 1))
    _set_meta_object(conn, "hub.pulled", pulled)


def _forget_relayed(conn: sqlite3.Connection, consoles: set[str]) -> None:
    """Relayed files of these consoles ("<bridge>/relay/<console>/<name>") are read again."""
    seen = _meta_object(conn, "relay.seen")
    if seen is not None:
        kept = {rel: size for rel, size in seen.items() if _relayed_console(rel) not in consoles}
        _set_meta_object(conn, "relay.seen", kept)


def _meta_object(conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    """A meta value that is a JSON object (None: absent or unreadable, left as it is)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    try:
        value = json.loads(row[0]) if row else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _set_meta_object(conn: sqlite3.Connection, key: str, value: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE meta SET value = ? WHERE key = ?", (json.dumps(value, sort_keys=True), key)
    )


def _relayed_console(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[2] if len(parts) >= 4 else None
