"""The PostgreSQL hub: a sync target for organisations that outgrow a shared folder.

The hub holds the same signed operations as a share, one row per op keyed by
(console id, seq), in schema `command_console`. It is a second door into every console,
so it is no weaker than the folder: each pulled op goes through the same checks
(incoming.py: schema, namespace, time, chain, signature against the key pinned on first
sight), and the hub itself refuses what PostgreSQL can check: a row whose record does not
name its own console and seq, an oversized record, a seq out of range, a row of a console
the inserting role may not publish (row-level security), and every UPDATE or DELETE (not
granted). LISTEN/NOTIFY wakes the other consoles when rows arrive.

This module owns a console's connections and statements; hub_admin.py the schema and
`hub init`/`hub grant`; hub_pass.py is the Syncer's side of a pass. The password never
comes from config.toml: libpq reads PGPASSWORD or ~/.pgpass.
"""

from __future__ import annotations

import contextlib
import logging
import select
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from command_console.core.op_schema import SEQ_MAX
from command_console.core.ops import MAX_PAYLOAD_BYTES, Op
from command_console.data.sync.keys import parse_public_key
from command_console.data.sync.segments import CONSOLE_DIR_RE as CONSOLE_ID_RE
from command_console.i18n import _

if TYPE_CHECKING:
    import psycopg  # imported when a hub is used: the console starts without it

CHANNEL = "command_console_ops"
MAX_RECORD_BYTES = MAX_PAYLOAD_BYTES + 16 * 1024  # as a segment frame (segments.MAX_FRAME)
CONNECT_TIMEOUT_S = 3
PULL_BATCH = 5_000
PUBLISH_BATCH = 5_000
URL_SCHEMES = ("postgresql", "postgres")

# One index probe per console: cheap on a hub of millions of rows (no scan of ops).
HEADS_SQL = """
SELECT c.console_id, c.public_key,
       (SELECT max(o.seq) FROM command_console.ops o WHERE o.console_id = c.console_id)
FROM command_console.consoles c
"""
PULL_SQL = """
SELECT seq, record FROM command_console.ops
WHERE console_id = %s AND seq > %s AND seq <= %s ORDER BY seq LIMIT %s
"""
# The next rows of several consoles in one round trip (each console's own index range).
PULL_MANY_SQL = """
SELECT w.console_id, o.seq, o.record
FROM unnest(%s::text[], %s::bigint[]) AS w(console_id, after)
CROSS JOIN LATERAL (
    SELECT seq, record FROM command_console.ops
    WHERE console_id = w.console_id AND seq > w.after ORDER BY seq LIMIT %s
) o
"""
PUBLISH_SQL = """
INSERT INTO command_console.ops (console_id, seq, record)
SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[])
ON CONFLICT (console_id, seq) DO NOTHING
"""
REGISTER_SQL = """
INSERT INTO command_console.consoles (console_id, public_key) VALUES (%s, %s)
ON CONFLICT (console_id) DO NOTHING
"""

# psycopg logs some connection trouble; a console's screen must not show it (the status
# line and `sync` say what happened).
logging.getLogger("psycopg").addHandler(logging.NullHandler())
logging.getLogger("psycopg").propagate = False


class HubError(Exception):
    """The hub cannot be reached or refused a statement; the text is one line."""


class HubRefused(HubError):
    """The hub answered but this console's role lacks a privilege (not a passing outage)."""


def url_problem(url: str) -> str | None:
    """Why a sync URL cannot be used (None: fine). The password must not be in it."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return _("not a URL ({why})").format(why=exc)
    if parts.scheme not in URL_SCHEMES:
        return _("must start with postgresql://")
    userinfo = parts.netloc.rpartition("@")[0]
    if ":" in userinfo or "password=" in parts.query:
        return _(
            "holds a password: remove it; the password comes from PGPASSWORD or ~/.pgpass, never config.toml"
        )
    return None


def shown_url(url: str) -> str:
    """The URL for messages (the hosts and database, never credentials)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


@dataclass(frozen=True)
class Head:
    console_id: str
    public_key: str
    max_seq: int


class HubLink:
    """The connections of one console to the hub: one for statements, reopened after any
    failure (libpq then tries the hosts of a multi-host URL in turn, so a promoted standby
    is found), and one that LISTENs.

    Not psycopg_pool: a console's sync runs one pass at a time, and a pool of one hid
    libpq's reason ("connection refused") behind a generic timeout after waiting for it.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        self._listener: psycopg.Connection[tuple[Any, ...]] | None = None
        self._pending = False  # a notification arrived while waiting
        self._muted = False  # LISTEN withdrawn until the next pass (mute)

    # -- connections ---------------------------------------------------------------

    def run(self, action):
        """action(conn) on the statement connection; any database trouble becomes HubError
        (and the connection is dropped, to be reopened by the next call). A connection the
        server closed since the last pass (a restart, a failover) is replaced and the action
        tried once more: actions are idempotent (inserts ignore rows the hub holds)."""
        import psycopg

        for attempt in (1, 2):
            fresh = self._conn is None or self._conn.closed
            try:
                if fresh:
                    self._conn = psycopg.connect(
                        self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
                    )
                return action(self._conn)
            except psycopg.errors.InsufficientPrivilege as exc:
                raise HubRefused(
                    _(
                        "this console's database role may not do that ({why}); the hub's "
                        "administrator runs: command-console hub grant URL ROLE CONSOLE_ID"
                    ).format(why=one_line(exc))
                ) from exc
            except (psycopg.Error, OSError) as exc:
                broken = self._conn is not None and self._conn.closed
                self._drop_connection()
                if attempt == 1 and broken and not fresh:
                    continue
                raise HubError(one_line(exc)) from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._drop_connection()
        self._drop_listener()

    def _drop_connection(self) -> None:
        _close_quietly(self._conn)
        self._conn = None

    # -- statements ----------------------------------------------------------------

    def heads(self) -> list[Head]:
        def read(conn):
            return conn.execute(HEADS_SQL).fetchall()

        # The hub's CHECKs already refuse such rows; a hub whose schema was altered could
        # still hand us anything, and a console id names peers, folders and messages here.
        return [
            Head(c, key, m or 0)
            for c, k, m in self.run(read)
            if isinstance(c, str)
            and CONSOLE_ID_RE.match(c)
            and isinstance(k, str)
            and (key := parse_public_key(k)) is not None
        ]

    def register(self, console_id: str, public_key: str) -> str | None:
        """Publish a console's key (first come keeps it); returns the key the hub holds."""

        def register(conn):
            conn.execute(REGISTER_SQL, (console_id, public_key))
            row = conn.execute(
                "SELECT public_key FROM command_console.consoles WHERE console_id = %s",
                (console_id,),
            ).fetchone()
            return row[0] if row else None

        return self.run(register)

    def publish(self, ops: list[Op]) -> None:
        """Insert ops; rows the hub holds already are left alone (a repeated push inserts
        nothing). One transaction per batch."""

        def insert(conn):
            for start in range(0, len(ops), PUBLISH_BATCH):
                batch = ops[start : start + PUBLISH_BATCH]
                with conn.transaction():
                    conn.execute(
                        PUBLISH_SQL,
                        (
                            [op.console_id for op in batch],
                            [op.seq for op in batch],
                            [op.to_json() for op in batch],
                        ),
                    )

        if ops:
            self.run(insert)

    def pull(
        self, console_id: str, after: int, upto: int = SEQ_MAX, limit: int = PULL_BATCH
    ) -> list[tuple[int, str]]:
        def read(conn):
            return conn.execute(PULL_SQL, (console_id, after, upto, limit)).fetchall()

        return self.run(read)

    def pull_many(self, after: dict[str, int], limit: int) -> dict[str, list[tuple[int, str]]]:
        """console -> its next rows (seq, record) past `after[console]`, at most `limit` each,
        in seq order: one statement for every console a pass reads."""

        def read(conn):
            consoles = sorted(after)
            return conn.execute(
                PULL_MANY_SQL, (consoles, [after[c] for c in consoles], limit)
            ).fetchall()

        rows: dict[str, list[tuple[int, str]]] = {}
        for console, seq, record in self.run(read) if after else []:
            rows.setdefault(console, []).append((seq, record))
        return rows

    # -- notifications -------------------------------------------------------------

    def woken(self) -> bool:
        """Whether rows arrived since the last call (non-blocking). Without a listening
        connection (hub down, not yet connected) it says True: the caller's pass finds out."""
        import psycopg

        if self._listener is None or self._pending or self._muted:
            self._pending = False
            return True
        try:
            senders = [n.pid for n in self._listener.notifies(timeout=0)]
        except (psycopg.Error, OSError):
            self._drop_listener()
            return True
        return any(pid != self._own_backend() for pid in senders)

    def wait(self, timeout: float) -> None:
        """Sleep up to timeout, waking as soon as rows arrive (woken() then says True)."""
        import psycopg

        if self._listener is None:
            time.sleep(timeout)
            return
        try:
            # select() on the socket, then read what came: psycopg's own timed wait cost
            # ~0.7 ms of CPU a call, and a console waits 5 times a second when idle.
            # woken() has read whatever libpq held, so anything new makes the socket readable.
            readable, _, _ = select.select([self._listener.fileno()], [], [], timeout)
            if readable:
                for note in self._listener.notifies(timeout=0):
                    self._pending = self._pending or note.pid != self._own_backend()
        except (psycopg.Error, OSError, ValueError):  # ValueError: a closed socket's fd
            self._drop_listener()

    def _own_backend(self) -> int | None:
        """The server process of our statement connection: its inserts notify us too, and
        what we published ourselves is no reason for a pass."""
        conn = self._conn
        return conn.info.backend_pid if conn is not None and not conn.closed else None

    @property
    def listening(self) -> bool:
        """Whether a connection is listening: news and a lost hub then wake the console."""
        return self._listener is not None and not self._listener.closed

    def mute(self) -> None:
        """Stop hearing of new rows until `unmute()`: the caller knows there is news and
        waits for its pass. With fifty consoles publishing, every insert otherwise woke
        every console's server process and queued a message for it (~2,500 a second)."""
        if not self._muted:
            self._set_listening(False)

    def unmute(self) -> None:
        """Listen again after `mute()` (a pass is about to read): what is committed after it
        returns is notified. Opens no connection."""
        if self._muted:
            self._set_listening(True)

    def _set_listening(self, on: bool) -> None:
        import psycopg

        if self._listener is None or self._listener.closed:
            return
        try:
            self._listener.execute(f"{'LISTEN' if on else 'UNLISTEN'} {CHANNEL}")
            self._muted = not on
        except (psycopg.Error, OSError):
            self._drop_listener()

    def listen(self) -> None:
        """(Re)open the listening connection; quietly leaves it closed when the hub is down."""
        import psycopg

        if self._listener is not None and not self._listener.closed:
            self.unmute()
            return
        try:
            self._listener = psycopg.connect(
                self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )
            self._listener.execute(f"LISTEN {CHANNEL}")
        except (psycopg.Error, OSError):
            self._drop_listener()

    def _drop_listener(self) -> None:
        _close_quietly(self._listener)
        self._listener = None
        self._muted = False


def _close_quietly(conn: Any) -> None:
    if conn is not None:
        with contextlib.suppress(Exception):  # it may be broken already
            conn.close()
