"""The store: appends operations and folds them into the readable tables, atomically.

A call to `append` that returns has its operation and its effects committed and fsynced
(WAL with synchronous=FULL). Operations from other consoles enter through `merge`.
Reads and writes go through the stdlib sqlite3 module on pooled connections; the
ORM (SQLModel / SQLAlchemy) is loaded only by code that asks for `engine` or `read()`
(exports, DDL). So the console and a CLI `log` start quickly, and a sync applies
thousands of operations a second.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from command_console.core.clock import HLC_COUNTER_BITS, Clock, SystemClock, next_hlc, to_ms
from command_console.core.errors import UserError
from command_console.core.op_schema import REISSUE
from command_console.core.ops import (
    GENESIS_HASH,
    Op,
    entity_of,
    original_of,
    validate,
)
from command_console.data import engine as db
from command_console.data import fold
from command_console.data.write_gate import WriteGate
from command_console.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from command_console.data.sync.keys import Signer

PayloadBuilder = Callable[[sqlite3.Connection], dict[str, Any]]
# (kind, payload) by the store's author, or (kind, payload, author)
Change = tuple[str, dict[str, Any] | PayloadBuilder] | tuple[str, dict[str, Any], str]
OP_ORDER = "ORDER BY hlc, console_id, seq"
# An operation stamped further ahead of this clock is never merged (sync holds it back),
# and none already stored may pull our clock past it.
SKEW_LIMIT_MS = 5 * 60 * 1000
# meta key: identity.retired.<id> = {"new": <id>}, a console id this data dir gave up
# (sync --new-identity): nothing is written under it again.
RETIRED_KEY = "identity.retired."


def __getattr__(name: str) -> Any:
    """`ops_table` (the SQLAlchemy table) for callers that build queries; loaded on demand."""
    if name == "ops_table":
        from command_console.data.schema import OpRow

        return OpRow.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table models
    raise AttributeError(name)


class Store:
    def __init__(
        self,
        path: Path,
        console_id: str,
        author: str,
        clock: Clock | None = None,
        signer: Signer | None = None,
    ) -> None:
        self.path = Path(path)
        self.console_id = console_id
        self.author = author
        self.site: tuple[str, str] | None = None  # (name, location): stamped on shift.start
        self.clock = clock or SystemClock()
        self.signer = (
            signer  # signs each op's hash (data/sync/keys.py); None: unsigned, peers refuse them
        )
        self._idle: list[sqlite3.Connection] = []  # open connections no transaction is using
        self._pool_lock = threading.Lock()
        self._reading = threading.local()  # .conn: the read transaction of `snapshot()`
        self._generation = 0  # close() bumps it: connections lent before are closed on return
        self._auto_checkpoint = True
        self.gate = WriteGate(self.path.with_name(self.path.name + "-gate"))
        if db.prepare(self.path):
            self.rebuild()

    @contextmanager
    def _borrow(self) -> Iterator[sqlite3.Connection]:
        """A connection for one transaction, kept open afterwards for the next one on any
        thread: the console runs each action in a new worker thread, and opening a
        connection (with its pragmas) per action put milliseconds on every Enter."""
        with self._pool_lock:
            conn = self._idle.pop() if self._idle else None
            generation = self._generation
        if conn is None:
            conn = db.connect(self.path, self._auto_checkpoint)
        try:
            yield conn
        finally:
            with self._pool_lock:
                reuse = generation == self._generation and not conn.in_transaction
                if reuse:
                    self._idle.append(conn)
            if not reuse:
                conn.close()

    @contextmanager
    def transaction(
        self, mode: str = "IMMEDIATE", durable: bool = True
    ) -> Iterator[sqlite3.Connection]:
        """A transaction on a connection of its own. IMMEDIATE takes the write lock at once
        (other processes wait on the busy timeout); DEFERRED is a consistent read. A commit
        is on disk when it returns; with durable=False it waits for no disk flush, and is
        on disk once any later durable commit returns (the WAL is written in order)."""
        with self._borrow() as conn, self._turn(mode):
            if not durable:
                conn.execute("PRAGMA synchronous=NORMAL")
            try:
                conn.execute(f"BEGIN {mode}")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                if not durable:
                    conn.execute("PRAGMA synchronous=FULL")

    def _turn(self, mode: str) -> contextlib.AbstractContextManager[None]:
        """A write transaction takes its turn at the write gate (sync's go first); a read
        needs none."""
        return self.gate.held() if mode == "IMMEDIATE" else contextlib.nullcontext()

    def rows(self, sql: str, *params: object) -> list[Any]:  # named rows (engine._named_rows)
        reading: sqlite3.Connection | None = getattr(self._reading, "conn", None)
        if reading is not None:
            found: list[Any] = reading.execute(sql, params).fetchall()
            return found
        with self.transaction("DEFERRED") as conn:
            found = conn.execute(sql, params).fetchall()
            return found

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """This thread's reads in the block share one read transaction: one consistent view,
        and no BEGIN and COMMIT per read (sync checks thousands of operations with a few
        small reads each). Writes in the block go through their own transactions as usual
        and are not seen by its reads."""
        if getattr(self._reading, "conn", None) is not None:
            yield
            return
        with self.transaction("DEFERRED") as conn:
            self._reading.conn = conn
            try:
                yield
            finally:
                self._reading.conn = None

    def checkpoint_in_background(self) -> None:
        """From now on commits leave the WAL to `checkpoint()`, which a long-running process
        (the console) calls off the path of the lead's Enter. Short-lived ones (the CLI)
        keep SQLite's automatic checkpoint."""
        self._auto_checkpoint = False
        self.close()  # pooled connections reopen without the automatic checkpoint

    def checkpoint(self) -> None:
        """Copy the WAL into the database file (PASSIVE: never waits for, nor blocks, a writer)."""
        with self._borrow() as conn:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def close(self) -> None:
        """Close the idle connections (and the ORM engine, if one was made). A connection a
        transaction is using closes when that transaction ends. The store stays usable."""
        with self._pool_lock:
            idle, self._idle = self._idle, []
            self._generation += 1
        for conn in idle:
            conn.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
            del self.__dict__["engine"]

    @cached_property
    def engine(self) -> Engine:
        """A SQLAlchemy engine on the same file, for ORM-style code; loaded on first use."""
        made: Engine = db.make_engine(self.path)
        return made

    def read(self) -> Connection:
        """A SQLAlchemy read connection (deferred BEGIN: never waits for writers in WAL mode)."""
        return self.engine.connect().execution_options(begin="DEFERRED")

    # -- writing -------------------------------------------------------------

    def append(self, kind: str, payload: dict[str, Any] | PayloadBuilder) -> Op:
        return self.append_many([(kind, payload)])[0]

    def append_many(self, changes: Iterable[Change]) -> list[Op]:
        """Commit several operations in one durable transaction.

        A change is (kind, payload) by `self.author`, or (kind, payload, author). Each op
        passes the same schema as a peer's (core/op_schema.py): what is stored here is never
        refused elsewhere. A change that does not fit raises UserError and nothing is written.
        """
        with self.transaction() as conn:
            return self.append_in(conn, changes)

    def append_in(self, conn: sqlite3.Connection, changes: Iterable[Change]) -> list[Op]:
        """append_many inside a transaction the caller holds (with other statements of its own)."""
        written: list[Op] = []
        last_hlc, seq, prev_hash = self._chain_head(conn)
        for kind, payload, *author in changes:
            if callable(payload):  # built inside the write lock, e.g. to number an incident
                payload = payload(conn)
            seq += 1
            now = self.clock.now()
            last_hlc = next_hlc(now, last_hlc)
            op = Op(
                id=uuid.uuid4().hex,
                console_id=self.console_id,
                seq=seq,
                hlc=last_hlc,
                kind=kind,
                entity=entity_of(kind, payload),
                author=author[0] if author else self.author,
                payload=payload,
                prev_hash=prev_hash,
                wall=to_ms(now),
            ).sealed()
            problem = validate(op)
            if problem:
                raise UserError(f"{kind}: {problem}")
            if self.signer is not None:
                op = replace(op, sig=self.signer.sign(op.hash))
            self._insert_op(conn, op)
            fold.apply(conn, op)
            prev_hash = op.hash
            written.append(op)
        return written

    def _chain_head(self, conn: sqlite3.Connection) -> tuple[int, int, str]:
        """(newest hlc to follow, this console's last seq, its hash), read under the write lock.

        Stamps further ahead of our clock than the skew limit are not followed: one op from
        a clock in 2100 (stored before this check existed) must not date every later write."""
        horizon = (to_ms(self.clock.now()) + SKEW_LIMIT_MS) << HLC_COUNTER_BITS
        last_hlc = (
            conn.execute("SELECT max(hlc) FROM ops WHERE hlc <= ?", (horizon,)).fetchone()[0] or 0
        )
        last = conn.execute(
            "SELECT seq, hash, hlc FROM ops WHERE console_id = ? ORDER BY seq DESC LIMIT 1",
            (self.console_id,),
        ).fetchone()
        if not last:
            if conn.execute(
                "SELECT 1 FROM meta WHERE key = ?", (RETIRED_KEY + self.console_id,)
            ).fetchone():
                raise UserError(
                    _(
                        "this data directory gave up console id {id} (sync --new-identity); restart "
                        "it, or run `command-console sync --new-identity` again to finish"
                    ).format(id=self.console_id)
                )
            return last_hlc, 0, GENESIS_HASH
        return max(last_hlc, min(last[2], horizon)), last[0], last[1]

    @staticmethod
    def _insert_op(conn: sqlite3.Connection, op: Op) -> bool:
        result = conn.execute(
            "INSERT OR IGNORE INTO ops (id, console_id, seq, hlc, kind, entity, author, payload, v, prev_hash, hash, "
            "wall, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                op.id,
                op.console_id,
                op.seq,
                op.hlc,
                op.kind,
                op.entity,
                op.author,
                op.payload_text,
                op.v,
                op.prev_hash,
                op.hash,
                op.wall,
                op.sig,
            ),
        )
        if result.rowcount == 1 and op.kind == REISSUE:
            _note_reissue(conn, op)
        return result.rowcount == 1

    def merge(self, incoming: Iterable[Op], durable: bool = True) -> list[Op]:
        """Apply operations from other consoles, each once. Returns those that were new.

        Sync merges with durable=False: nothing acknowledged hangs on a merge, and what
        records the ops as read (sync's bookkeeping) is committed durably after it, so a
        power cut loses both or neither and the ops are read again.

        An entity whose new ops all sort after what it already holds (or are plain inserts
        such as log entries) folds forward; otherwise it is refolded from its ops, so
        arrival order never matters. A re-issue folds as its original, once however many
        ways the original arrived (see `effective`); the original's row, held under
        another console id, is then dropped: the re-issue carries it, and the slot is free
        for that id's other copy.
        """
        by_entity: dict[str, list[Op]] = {}
        for op in sorted(incoming, key=lambda o: o.sort_key):
            by_entity.setdefault(op.entity, []).append(op)
        new: list[Op] = []
        with self.transaction(durable=durable) as conn:
            any_reissued = conn.execute("SELECT 1 FROM reissued LIMIT 1").fetchone() is not None
            for entity, ops in by_entity.items():
                newest = conn.execute(
                    "SELECT max(hlc) FROM ops WHERE entity = ?", (entity,)
                ).fetchone()[0]
                fresh = [op for op in ops if self._insert_op(conn, op)]
                new.extend(fresh)
                carried = any(op.kind == REISSUE for op in fresh) or (
                    any_reissued and bool(reissued_among(conn, [op.id for op in fresh]))
                )
                late = [op for op in fresh if newest is not None and op.hlc <= newest]
                if not carried and all(op.kind in fold.ORDER_FREE for op in late):
                    for op in fresh:
                        fold.apply(conn, op)
                else:
                    self._refold_entity(conn, entity)
            if any(op.kind == REISSUE for op in new):
                conn.execute(
                    "DELETE FROM ops WHERE console_id != ? AND kind != ? AND id IN "
                    "(SELECT op_id FROM reissued)",
                    (self.console_id, REISSUE),
                )
        return sorted(new, key=lambda o: o.sort_key)

    def _refold_entity(self, conn: sqlite3.Connection, entity: str) -> None:
        fold.clear_entity(conn, entity)
        rows = conn.execute(f"SELECT * FROM ops WHERE entity = ? {OP_ORDER}", (entity,)).fetchall()  # noqa: S608 - OP_ORDER is our fixed ORDER BY; values are bound
        for op in effective(op_from_row(row) for row in rows):
            fold.apply(conn, op)

    def rebuild(self) -> None:
        """Clear every folded table and replay all operations in order."""
        from command_console.data.schema import FOLDED_TABLES

        with self.transaction() as conn:
            for model in FOLDED_TABLES:
                conn.execute(f"DELETE FROM {model.__tablename__}")  # noqa: S608 - table name from our own models
            ops = [
                op_from_row(row)
                for row in conn.execute(f"SELECT * FROM ops {OP_ORDER}").fetchall()  # noqa: S608 - OP_ORDER is our fixed ORDER BY
            ]
            conn.execute("DELETE FROM reissued")
            for op in ops:
                if op.kind == REISSUE:
                    _note_reissue(conn, op)
            for op in effective(ops):
                fold.apply(conn, op)

    # -- small reads the write path needs (plain SQL) ---------------------------

    def scalar(self, sql: str, *params: object) -> Any:  # the first column of the first row
        found = self.rows(sql, *params)
        return found[0][0] if found else None

    def head(self) -> int:
        """Grows whenever any process commits an operation here: cheap change detection."""
        return int(self.scalar("SELECT max(rowid) FROM ops") or 0)

    def op_count(self) -> int:
        return int(self.scalar("SELECT count(*) FROM ops"))

    def incident_ids(self) -> list[str]:
        return [r[0] for r in self.rows("SELECT id FROM incidents")]

    def current_lead(self) -> str | None:
        lead: str | None = self.scalar(
            "SELECT lead FROM shifts WHERE ended_at IS NULL AND console_id = ? "
            "ORDER BY started_at DESC LIMIT 1",
            self.console_id,
        )
        return lead

    def last_writer(self, entity: str, field: str) -> str | None:
        """The operation that last set a field: the `base` a new write of it names."""
        op_id: str | None = self.scalar(
            "SELECT op_id FROM stamps WHERE entity = ? AND field = ?", entity, field
        )
        return op_id

    # -- reading the log -----------------------------------------------------

    def all_ops(self, *where: Any) -> list[Op]:  # SQLAlchemy conditions
        """Operations in fold order; `where` takes SQLAlchemy conditions on `ops_table`."""
        if not where:
            return [op_from_row(r) for r in self.rows(f"SELECT * FROM ops {OP_ORDER}")]  # noqa: S608 - OP_ORDER is our fixed ORDER BY
        from sqlalchemy import select

        from command_console.data.schema import OpRow

        table = OpRow.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table models
        query = select(table).where(*where).order_by(table.c.hlc, table.c.console_id, table.c.seq)
        with self.read() as conn:
            return [op_from_row(r) for r in conn.execute(query).all()]

    def table_digest(self) -> dict[str, str]:
        """A hash of every folded table's content, to compare consoles and rebuilds."""
        from command_console.data.schema import FOLDED_TABLES

        digests = {}
        with self.transaction("DEFERRED") as conn:
            for model in FOLDED_TABLES:
                table = model.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table models
                keys = ", ".join(c.name for c in table.primary_key.columns)
                rows = conn.execute(f"SELECT * FROM {table.name} ORDER BY {keys}").fetchall()  # noqa: S608 - table and key names from our own models
                blob = json.dumps([list(map(str, row)) for row in rows], ensure_ascii=False)
                digests[table.name] = hashlib.sha256(blob.encode()).hexdigest()
        return digests

    def integrity_check(self) -> str:
        return str(self.scalar("PRAGMA integrity_check"))


def effective(ops: Iterable[Op]) -> list[Op]:
    """What to fold: each re-issue stands for its original, each operation once (by id),
    in fold order. So an op folds the same whether it came itself or re-issued."""
    chosen: dict[str, Op] = {}
    for op in ops:
        try:
            op = original_of(op)
        except (KeyError, TypeError, ValueError):
            continue  # a damaged re-issue row (sync admits none): it folds to nothing
        have = chosen.get(op.id)
        if have is None or op.hash < have.hash:
            chosen[op.id] = op
    return sorted(chosen.values(), key=lambda o: (*o.sort_key, o.id))


def _note_reissue(conn: sqlite3.Connection, op: Op) -> None:
    original = op.payload["original"]
    conn.execute(
        "INSERT OR IGNORE INTO reissued (op_id, reissue_id, console_id, seq, hash) VALUES (?, ?, ?, ?, ?)",
        (original["id"], op.id, original["console_id"], original["seq"], original["hash"]),
    )


def reissued_among(conn: sqlite3.Connection, op_ids: list[str]) -> dict[str, str]:
    """op id -> hash, for the ids among op_ids that a held re-issue carries."""
    found: dict[str, str] = {}
    for start in range(0, len(op_ids), 500):
        chunk = op_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.execute(
                f"SELECT op_id, hash FROM reissued WHERE op_id IN ({marks})",  # noqa: S608 - only ? placeholders are interpolated; values are bound
                chunk,
            ).fetchall()
        )
    return found


def op_from_row(row: Any) -> Op:  # a named row of the ops table
    return Op(
        id=row.id,
        console_id=row.console_id,
        seq=row.seq,
        hlc=row.hlc,
        kind=row.kind,
        entity=row.entity,
        author=row.author,
        payload=json.loads(row.payload),
        prev_hash=row.prev_hash,
        hash=row.hash,
        v=row.v,
        wall=row.wall,
        sig=row.sig,
    )
