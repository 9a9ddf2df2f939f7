"""The store: appends operations and folds them into the readable tables, atomically.

A call to `append` that returns has its operation and its effects committed and fsynced
(WAL with synchronous=FULL). Operations from other consoles enter through `merge`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.dialects.sqlite import insert

from command_console.core.clock import Clock, SystemClock, next_hlc
from command_console.core.ops import GENESIS_HASH, Op, entity_of, payload_json
from command_console.data import fold
from command_console.data.engine import open_engine
from command_console.data.schema import FOLDED_TABLES, OpRow

ops_table = OpRow.__table__
PayloadBuilder = Callable[[Connection], dict]


class Store:
    def __init__(self, path: Path, console_id: str, author: str, clock: Clock | None = None) -> None:
        self.path = Path(path)
        self.console_id = console_id
        self.author = author
        self.clock = clock or SystemClock()
        self.engine: Engine
        self.engine, needs_refold = open_engine(self.path)
        if needs_refold:
            self.rebuild()

    def close(self) -> None:
        self.engine.dispose()

    def read(self):
        """A read transaction (deferred BEGIN: never waits for writers in WAL mode)."""
        return self.engine.connect().execution_options(begin="DEFERRED")

    # -- writing -------------------------------------------------------------

    def append(self, kind: str, payload: dict | PayloadBuilder) -> Op:
        return self.append_many([(kind, payload)])[0]

    def append_many(self, changes: Iterable[tuple[str, dict | PayloadBuilder]]) -> list[Op]:
        """Commit several operations in one durable transaction."""
        written = []
        with self.engine.begin() as conn:
            for kind, payload in changes:
                op = self._next_op(conn, kind, payload)
                self._insert_op(conn, op)
                fold.apply(conn, op)
                written.append(op)
        return written

    def _next_op(self, conn: Connection, kind: str, payload: dict | PayloadBuilder) -> Op:
        if callable(payload):  # built inside the write lock, e.g. to number an incident
            payload = payload(conn)
        last_hlc = conn.execute(select(func.max(ops_table.c.hlc))).scalar() or 0
        last = conn.execute(
            select(ops_table.c.seq, ops_table.c.hash)
            .where(ops_table.c.console_id == self.console_id)
            .order_by(ops_table.c.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
        return Op(
            id=uuid.uuid4().hex, console_id=self.console_id, seq=seq,
            hlc=next_hlc(self.clock.now(), last_hlc), kind=kind, entity=entity_of(kind, payload),
            author=self.author, payload=payload, prev_hash=prev_hash,
        ).sealed()

    @staticmethod
    def _insert_op(conn: Connection, op: Op) -> bool:
        result = conn.execute(insert(ops_table).values(
            id=op.id, console_id=op.console_id, seq=op.seq, hlc=op.hlc, kind=op.kind, entity=op.entity,
            author=op.author, payload=payload_json(op.payload), v=op.v, prev_hash=op.prev_hash, hash=op.hash,
        ).on_conflict_do_nothing())
        return result.rowcount == 1

    def merge(self, incoming: Iterable[Op]) -> list[Op]:
        """Apply operations from other consoles, each once. Returns those that were new.

        An entity whose new ops all sort after what it already holds folds forward;
        otherwise it is refolded from its ops, so arrival order never matters.
        """
        with self.engine.begin() as conn:
            new = [op for op in sorted(incoming, key=lambda o: o.sort_key) if self._insert_op(conn, op)]
            by_entity: dict[str, list[Op]] = {}
            for op in new:
                by_entity.setdefault(op.entity, []).append(op)
            for entity, ops in by_entity.items():
                newest_other = conn.execute(
                    select(func.max(ops_table.c.hlc))
                    .where(ops_table.c.entity == entity, ops_table.c.id.not_in([o.id for o in ops]))
                ).scalar()
                if newest_other is None or ops[0].hlc > newest_other:
                    for op in ops:
                        fold.apply(conn, op)
                else:
                    self._refold_entity(conn, entity)
        return new

    def _refold_entity(self, conn: Connection, entity: str) -> None:
        fold.clear_entity(conn, entity)
        for op in self._ops(conn, ops_table.c.entity == entity):
            fold.apply(conn, op)

    def rebuild(self) -> None:
        """Clear every folded table and replay all operations in order."""
        with self.engine.begin() as conn:
            for table in FOLDED_TABLES:
                conn.execute(table.__table__.delete())
            for op in self._ops(conn):
                fold.apply(conn, op)

    # -- reading the log -----------------------------------------------------

    @staticmethod
    def _ops(conn: Connection, *where) -> Iterable[Op]:
        query = select(ops_table).where(*where).order_by(ops_table.c.hlc, ops_table.c.console_id, ops_table.c.seq)
        for row in conn.execute(query):
            yield op_from_row(row)

    def all_ops(self, *where) -> list[Op]:
        with self.read() as conn:
            return list(self._ops(conn, *where))

    def head(self) -> int:
        """Grows whenever any process commits an operation here: cheap change detection."""
        with self.read() as conn:
            return conn.execute(text("SELECT max(rowid) FROM ops")).scalar() or 0

    def op_count(self) -> int:
        with self.read() as conn:
            return conn.execute(select(func.count()).select_from(ops_table)).scalar()

    def table_digest(self) -> dict[str, str]:
        """A hash of every folded table's content, to compare consoles and rebuilds."""
        digests = {}
        with self.read() as conn:
            for model in FOLDED_TABLES:
                table = model.__table__
                keys = [c for c in table.primary_key.columns]
                rows = conn.execute(select(table).order_by(*keys)).all()
                blob = json.dumps([list(map(str, row)) for row in rows], ensure_ascii=False)
                digests[table.name] = hashlib.sha256(blob.encode()).hexdigest()
        return digests

    def integrity_check(self) -> str:
        with self.read() as conn:
            return conn.execute(text("PRAGMA integrity_check")).scalar()


def op_from_row(row) -> Op:
    return Op(
        id=row.id, console_id=row.console_id, seq=row.seq, hlc=row.hlc, kind=row.kind, entity=row.entity,
        author=row.author, payload=json.loads(row.payload), prev_hash=row.prev_hash, hash=row.hash, v=row.v,
    )
