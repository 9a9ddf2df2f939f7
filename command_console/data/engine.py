"""Opening the SQLite file: private, WAL, synchronous=FULL, versioned, never a foreign one.

Writes take `BEGIN IMMEDIATE` so two processes sharing one data directory serialize on
the write lock (with a busy timeout) instead of failing mid-transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections import namedtuple
from pathlib import Path


from command_console.core.errors import StoreError

# Bump when a readable table changes (migration = refold) or the ops table changes
# (add an explicit step to OPS_MIGRATIONS).
SCHEMA_VERSION = 3
APP_MARK = "command-console"
BUSY_TIMEOUT_MS = 10_000
# from-version -> SQL for the ops/meta tables; readable tables are refolded after any bump.
# Columns added to the ops table: (table, column, declaration), added when missing.
OPS_MIGRATIONS: dict[int, list[tuple[str, str, str]]] = {
    1: [("ops", "wall", "INTEGER NOT NULL DEFAULT 0"), ("ops", "sig", "VARCHAR NOT NULL DEFAULT ''")],
}


def _inspect_existing(path: Path) -> int | None:
    """The schema version of an existing database file; refuses foreign or corrupt files.

    Opens read-only so a file that is not ours is never modified.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not names:
                return None
            if "meta" not in names:
                raise StoreError(f"{path}: not a Command Console database (tables: {', '.join(sorted(names)[:5])}); refusing to use it")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: unreadable database ({exc}); refusing to use or overwrite it") from None
    if meta.get("app") != APP_MARK:
        raise StoreError(f"{path}: not a Command Console database; refusing to use it")
    version = int(meta.get("schema_version", "0"))
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: made by a newer Command Console (schema {version}, this one reads {SCHEMA_VERSION}); upgrade"
        )
    return version


PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=OFF")


def _named_rows(cursor: sqlite3.Cursor, row: tuple):
    """Rows as named tuples: row.title as well as row[0]."""
    fields = tuple(column[0] for column in cursor.description)
    factory = _ROW_TYPES.get(fields)
    if factory is None:
        factory = _ROW_TYPES.setdefault(fields, namedtuple("Row", fields, rename=True))
    return factory(*row)


_ROW_TYPES: dict[tuple[str, ...], type] = {}


def connect(path: Path, auto_checkpoint: bool = True) -> sqlite3.Connection:
    """A stdlib connection: autocommit (we issue BEGIN ourselves), WAL, full fsync, busy
    timeout. Without auto_checkpoint, a commit never copies the WAL into the database
    (tens of milliseconds every ~1,000 pages): the owner checkpoints in the background."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    if not auto_checkpoint:
        conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.row_factory = _named_rows
    return conn


def make_engine(path: Path):
    """A SQLAlchemy engine with the same settings, for ORM-style code (exports, DDL).

    Imported on demand: the console and the CLI start without SQLAlchemy.
    """
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})

    def on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None
        for pragma in PRAGMAS:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    def on_begin(conn) -> None:
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('begin', 'IMMEDIATE')}")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
    return engine


def prepare(path: Path) -> bool:
    """Create or migrate the database at path as needed. Returns True when the readable
    tables must be refolded from the operations (after a migration)."""
    version = _inspect_existing(path)
    if version is None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)
    if version == SCHEMA_VERSION:
        return False  # the common case: no ORM models imported, start-up stays fast
    from sqlmodel import SQLModel

    from command_console.data import schema  # noqa: F401  (declares the tables on the metadata)

    engine = make_engine(path)
    try:
        with engine.begin() as conn:
            SQLModel.metadata.create_all(conn)
            if version is None:
                _set_meta(conn, {"app": APP_MARK, "schema_version": str(SCHEMA_VERSION)})
                return False
            _migrate(conn, version)
            return True
    finally:
        engine.dispose()


def _migrate(conn, version: int) -> None:
    from sqlmodel import SQLModel

    from command_console.data import schema

    for from_version in range(version, SCHEMA_VERSION):
        for table, column, declaration in OPS_MIGRATIONS.get(from_version, []):
            present = {row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")}
            if column not in present:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    for table in schema.FOLDED_TABLES:
        table.__table__.drop(conn)
    SQLModel.metadata.create_all(conn)
    _set_meta(conn, {"schema_version": str(SCHEMA_VERSION)})


def _set_meta(conn, values: dict[str, str]) -> None:
    for key, value in values.items():
        conn.exec_driver_sql("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
