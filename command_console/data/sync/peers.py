"""Other consoles' keys, pinned on first sight (like SSH's known_hosts), and what was refused.

A console publishes its public key as `<share>/<console id>/console.pub`. The first key
seen for a console is pinned; a different key later is refused, never adopted. With
`require_approval`, a new console's operations wait until `command-console peers approve`.
Refused operations are kept aside in the `quarantine` table with console, file, seq and
reason: never applied, listed by `verify` and `peers`.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from command_console.core.text import clean
from command_console.data.store import Store
from command_console.data.sync import keys
from command_console.data.timestamps import from_iso, to_iso
from command_console.i18n import N_

APPROVED, PENDING, REVOKED = "approved", "pending", "revoked"
STATUS_LABELS = {APPROVED: N_("approved"), PENDING: N_("pending"), REVOKED: N_("revoked")}
RECORD_KEEP_BYTES = 4096
LAST_SEEN_EVERY_S = 60  # a peer's last_seen is written at most this often


@dataclass(frozen=True)
class Peer:
    console_id: str
    public_key: str
    status: str
    first_seen: datetime | None
    last_seen: datetime | None
    rejected: int
    key_mismatch: str

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.public_key)


@dataclass(frozen=True)
class Rejected:
    console_id: str
    seq: int
    file: str
    op_id: str
    reason: str
    at: datetime | None


def read_public_key(folder: Path) -> str | None:
    """The key a console folder publishes, or None (missing, not a regular file, too large, not a key).
    Never follows a symlink and never reads more than a key's size."""
    try:
        fd = os.open(folder / keys.PUBLIC_KEY_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > keys.PUBLIC_KEY_MAX_BYTES:
            return None
        text = os.read(fd, keys.PUBLIC_KEY_MAX_BYTES).decode("ascii", "replace")
    finally:
        os.close(fd)
    return keys.parse_public_key(text)


def publish_public_key(folder: Path, public_key: str) -> None:
    """Write our key into our own folder (temp file, fsync, rename) when it is not there yet."""
    if read_public_key(folder) == public_key:
        return
    temp = folder / f".tmp-{keys.PUBLIC_KEY_FILE}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w") as out:
        out.write(public_key + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, folder / keys.PUBLIC_KEY_FILE)


def get(store: Store, console_id: str) -> Peer | None:
    rows = store.rows("SELECT * FROM peers WHERE console_id = ?", console_id)
    return _peer(rows[0]) if rows else None


def list_peers(store: Store) -> list[Peer]:
    return [_peer(r) for r in store.rows("SELECT * FROM peers ORDER BY console_id")]


def _peer(row: Any) -> Peer:  # a named row of the peers table
    return Peer(
        row.console_id,
        row.public_key,
        row.status,
        from_iso(row.first_seen),
        from_iso(row.last_seen),
        row.rejected,
        row.key_mismatch,
    )


def pin(
    store: Store,
    console_id: str,
    public_key: str,
    now: datetime,
    require_approval: bool,
    known: Peer | None = None,
    seen_later: set[str] | None = None,
) -> Peer:
    """The pinned peer for a console, pinning this key when the console is new. Written
    only when something changed, or last seen more than LAST_SEEN_EVERY_S ago: a pass
    reads every console, and a write per console per pass cost a durable commit each.
    `known`: the console's row as the caller read it this pass (else it is read here).
    `seen_later`: where only last_seen is due, the console is added to it instead, for
    the caller to write with the others' in one commit (`mark_seen`)."""
    known = known or get(store, console_id)
    if known is not None and _unchanged(known, public_key, now):
        return known
    if known is not None and seen_later is not None and _unchanged(known, public_key, None):
        seen_later.add(console_id)
        return replace(known, last_seen=now)
    status = PENDING if require_approval else APPROVED
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO peers (console_id, public_key, status, first_seen, last_seen, rejected, "
            "key_mismatch) VALUES (?, ?, ?, ?, ?, 0, '')",
            (console_id, public_key, status, to_iso(now), to_iso(now)),
        )
        mismatch = conn.execute(
            "SELECT public_key FROM peers WHERE console_id = ?", (console_id,)
        ).fetchone()[0]
        conn.execute(
            "UPDATE peers SET last_seen = ?, key_mismatch = ? WHERE console_id = ?",
            (to_iso(now), "" if mismatch == public_key else public_key, console_id),
        )
    peer = get(store, console_id)
    assert peer is not None  # noqa: S101 - the row was just inserted; narrows the Optional for the type checker
    return peer


def _unchanged(peer: Peer, public_key: str, now: datetime | None) -> bool:
    """Whether the row says all there is to say; with now, its last_seen too."""
    mismatch = "" if peer.public_key == public_key else public_key
    if peer.key_mismatch != mismatch:
        return False
    return now is None or (
        peer.last_seen is not None
        and 0 <= (now - peer.last_seen).total_seconds() < LAST_SEEN_EVERY_S
    )


def mark_seen(store: Store, console_ids: set[str], now: datetime) -> None:
    """last_seen of several peers, in one commit (no disk flush: a lost one is harmless)."""
    if console_ids:
        with store.transaction(durable=False) as conn:
            conn.executemany(
                "UPDATE peers SET last_seen = ? WHERE console_id = ?",
                [(to_iso(now), console) for console in sorted(console_ids)],
            )


def set_status(store: Store, console_id: str, status: str) -> bool:
    """approve / revoke a peer; approving a changed key pins the new one. False: unknown console."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT key_mismatch FROM peers WHERE console_id = ?", (console_id,)
        ).fetchone()
        if row is None:
            return False
        if status == APPROVED and row[0]:
            conn.execute(
                "UPDATE peers SET public_key = key_mismatch, key_mismatch = '' WHERE console_id = ?",
                (console_id,),
            )
        conn.execute("UPDATE peers SET status = ? WHERE console_id = ?", (status, console_id))
    return True


def quarantine(
    store: Store, items: list[tuple[str, int, str, str, str, object]], now: datetime
) -> int:
    """Keep refused operations aside: (console, seq, file, op id, reason, record). Returns how many were new."""
    if not items:
        return 0
    at = to_iso(now)
    rows = [
        (console, seq, file, op_id, reason[:500], at, _record_text(record))
        for console, seq, file, op_id, reason, record in items
    ]
    with store.transaction() as conn:
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO quarantine (console_id, seq, file, op_id, reason, at, record) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        added: int = conn.total_changes - before
        counts: dict[str, int] = {}
        for console, *_ in items:
            counts[console] = counts.get(console, 0) + 1
        conn.executemany(
            "UPDATE peers SET rejected = (SELECT count(*) FROM quarantine q WHERE q.console_id = ?) "
            "WHERE console_id = ?",
            [(c, c) for c in counts],
        )
    return added


def forget_refused(store: Store, console_id: str, reason: str) -> None:
    """Drop a console's refused operations kept for one reason (they are checked again)."""
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM quarantine WHERE console_id = ? AND reason = ?", (console_id, reason[:500])
        )
        conn.execute(
            "UPDATE peers SET rejected = (SELECT count(*) FROM quarantine q WHERE q.console_id = ?) "
            "WHERE console_id = ?",
            (console_id, console_id),
        )


def list_rejected(store: Store, limit: int | None = None) -> list[Rejected]:
    sql = "SELECT * FROM quarantine ORDER BY console_id, seq, file" + (" LIMIT ?" if limit else "")  # noqa: S608 - a fixed LIMIT clause; the value is bound
    rows = store.rows(sql, *((limit,) if limit else ()))
    return [
        Rejected(
            clean(r.console_id),
            r.seq,
            clean(r.file),
            clean(r.op_id),
            clean(r.reason),
            from_iso(r.at),
        )
        for r in rows
    ]


def rejected_counts(store: Store) -> dict[str, int]:
    return dict(
        store.rows(
            "SELECT console_id, count(*) FROM quarantine GROUP BY console_id ORDER BY console_id"
        )
    )


def _record_text(record: object) -> str:
    try:
        text = json.dumps(record, ensure_ascii=True, sort_keys=True, default=repr)
    except (TypeError, ValueError, RecursionError):
        text = repr(type(record))
    return text[:RECORD_KEEP_BYTES]
