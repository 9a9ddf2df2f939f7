"""Opening the SQLite file: private, WAL, synchronous=FULL, versioned, never a foreign one.

Writes take `BEGIN IMMEDIATE` so two processes sharing one data directory serialize on
the write lock (with a busy timeout) instead of failing mid-transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections import namedtuple
from pathlib import Path

from command_console.core.errors import StoreError, WriteError
from command_console.i18n import _

# Bump when a readable table changes (migration = refold) or the ops table changes (a new
# column: add a step to OPS_MIGRATIONS; a new index is created by _migrate).
SCHEMA_VERSION = (
    7  # 4: the reissued table; 5: the duty tables (drills, upward reports, review, routines);
    # 6: entry_amendments (corrections and retractions of log entries); 7: ix_ops_console_rowid
)
APP_MARK = "command-console"
BUSY_TIMEOUT_MS = 10_000
_timeout_env = os.environ.get("COMMAND_CONSOLE_BUSY_TIMEOUT_MS", "")
if _timeout_env.isdigit() and 0 < int(_timeout_env) <= 600_000:
    BUSY_TIMEOUT_MS = int(_timeout_env)  # how long a write waits for another process's lock
# from-version -> SQL for the ops/meta tables; readable tables are refolded after any bump.
# Columns added to the ops table: (table, column, declaration), added when missing.
OPS_MIGRATIONS: dict[int, list[tuple[str, str, str]]] = {
    1: [
        ("ops", "wall", "INTEGER NOT NULL DEFAULT 0"),
        ("ops", "sig", "VARCHAR NOT NULL DEFAULT ''"),
    ],
}


# SQLite's application_id (file header offset 68): "CmCo". Set on create; a file of ours
# from before it existed (meta app mark, id 0) gets it on its next open.
APPLICATION_ID = 0x436D436F


def _inspect_existing(path: Path) -> tuple[int, bool] | None:
    """The schema version of an existing database file and whether it still needs our
    application_id; refuses foreign, damaged or newer files with a StoreError.

    Opens read-only so a file that is not ours, or a damaged one, is never modified. The
    quick check reads every page once (about 45 ms on 1,000 incidents / 20,000 entries;
    bench/open_check.py)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id not in (0, APPLICATION_ID):
                raise StoreError(
                    _(
                        "{path}: not a Command Console database (application id {id:#x}); "
                        "refusing to use it"
                    ).format(path=path, id=app_id)
                )
            names = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not names:
                return None
            if "meta" not in names:
                raise StoreError(
                    _(
                        "{path}: not a Command Console database (tables: {tables}); refusing to use it"
                    ).format(path=path, tables=", ".join(sorted(names)[:5]))
                )
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            _quick_check(conn, path)
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if not _is_damage(exc):  # a full disk, an I/O error or a lock says nothing about the file
            raise WriteError(
                _(
                    "{path}: cannot open the database now ({detail}); nothing was changed, "
                    "check the disk and try again"
                ).format(path=path, detail=exc)
            ) from None
        raise StoreError(damaged(path, exc)) from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(damaged(path, exc)) from None
    if meta.get("app") != APP_MARK:
        raise StoreError(
            _("{path}: not a Command Console database; refusing to use it").format(path=path)
        )
    version = _schema_version(meta, path)
    if version > SCHEMA_VERSION:
        raise StoreError(
            _(
                "{path}: made by a newer Command Console (schema {version}, this one reads {ours}); "
                "upgrade"
            ).format(path=path, version=version, ours=SCHEMA_VERSION)
        )
    return version, app_id == 0


def damaged(path: Path, detail: object) -> str:
    return _(
        "{path}: the database is damaged ({detail}); refusing to use it, nothing was written. Run "
        "`command-console verify`, then restore it from a peer or from the last `command-console backup`"
    ).format(path=path, detail=detail)


def _is_damage(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return not any(
        word in text
        for word in ("i/o error", "unable to open", "locked", "busy", "full", "readonly")
    )


def _quick_check(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if result != "ok":
        raise StoreError(damaged(path, result))


def _schema_version(meta: dict, path: Path) -> int:
    text = str(meta.get("schema_version", "0"))
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise StoreError(
            _(
                "{path}: schema_version {value!r} is not a number; the database is damaged or "
                "not ours; refusing to use it"
            ).format(path=path, value=text[:40])
        )
    return int(text)


def _set_application_id(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    finally:
        conn.close()


PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=FULL",
    f"busy_timeout={BUSY_TIMEOUT_MS}",
    "foreign_keys=OFF",
)


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
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
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
    existing = _inspect_existing(path)
    version = existing[0] if existing else None
    if version is None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)
    if version is None or (existing is not None and existing[1]):
        _set_application_id(path)
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
    for index in schema.OpRow.__table__.indexes:  # type: ignore[attr-defined]  # as below
        index.create(conn, checkfirst=True)  # create_all skips the indexes of existing tables
    for model in schema.FOLDED_TABLES:
        model.__table__.drop(conn)  # type: ignore[attr-defined]  # SQLModel sets __table__ on table models
    SQLModel.metadata.create_all(conn)
    _set_meta(conn, {"schema_version": str(SCHEMA_VERSION)})


def _set_meta(conn, values: dict[str, str]) -> None:
    for key, value in values.items():
        conn.exec_driver_sql("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
