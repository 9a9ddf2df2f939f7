"""The hub's schema and its administration: `command-console hub init` and `hub grant`.

Run by the hub's administrator, never by a console's own sync: hub init creates or migrates
schema `command_console` (tables, row-level security, the notify trigger, the publishers'
group role); hub grant lets a login role publish the rows of named consoles. What the
schema refuses (hub.py's docstring) is the hub's half of the door; a console's pass checks
every row again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from command_console.core.op_schema import SEQ_MAX
from command_console.data.sync.hub import (
    CHANNEL,
    CONNECT_TIMEOUT_S,
    MAX_RECORD_BYTES,
    HubError,
    one_line,
    shown_url,
)
from command_console.i18n import _

if TYPE_CHECKING:
    import psycopg  # imported when a hub is administered: the console starts without it

    Conn = psycopg.Connection[tuple[Any, ...]]

T = TypeVar("T")
SCHEMA_VERSION = 1
GROUP_ROLE = "command_console_publisher"

# Only our own constants are interpolated (no input reaches this text).
SCHEMA_SQL = f"""
CREATE SCHEMA IF NOT EXISTS command_console;
REVOKE CREATE ON SCHEMA command_console FROM PUBLIC;
CREATE TABLE IF NOT EXISTS command_console.hub_meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS command_console.consoles (
    console_id text PRIMARY KEY CHECK (console_id ~ '^[a-z0-9]{{2,12}}$'),
    public_key text NOT NULL CHECK (length(public_key) BETWEEN 1 AND 256),
    added_by name NOT NULL DEFAULT current_user CHECK (added_by = current_user),
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS command_console.publishers (
    role_name name NOT NULL,
    console_id text NOT NULL CHECK (console_id = '*' OR console_id ~ '^[a-z0-9]{{2,12}}$'),
    PRIMARY KEY (role_name, console_id)
);
CREATE TABLE IF NOT EXISTS command_console.ops (
    console_id text NOT NULL REFERENCES command_console.consoles,
    seq bigint NOT NULL CHECK (seq BETWEEN 1 AND {SEQ_MAX}),
    record text NOT NULL CHECK (octet_length(record) <= {MAX_RECORD_BYTES}),
    published_by name NOT NULL DEFAULT current_user CHECK (published_by = current_user),
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (console_id, seq),
    CONSTRAINT record_names_its_row CHECK (
        jsonb_typeof(record::jsonb) = 'object'
        AND record::jsonb ->> 'console_id' = console_id
        AND record::jsonb ->> 'seq' = seq::text
    )
);
CREATE OR REPLACE FUNCTION command_console.ops_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$;
DROP TRIGGER IF EXISTS ops_notify ON command_console.ops;
CREATE TRIGGER ops_notify AFTER INSERT ON command_console.ops
    FOR EACH STATEMENT EXECUTE FUNCTION command_console.ops_notify();
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{GROUP_ROLE}') THEN
        CREATE ROLE {GROUP_ROLE} NOLOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA command_console TO {GROUP_ROLE};
GRANT SELECT, INSERT ON command_console.ops, command_console.consoles TO {GROUP_ROLE};
GRANT SELECT ON command_console.publishers, command_console.hub_meta TO {GROUP_ROLE};
ALTER TABLE command_console.ops ENABLE ROW LEVEL SECURITY;
ALTER TABLE command_console.consoles ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS read_all ON command_console.ops;
CREATE POLICY read_all ON command_console.ops FOR SELECT USING (true);
DROP POLICY IF EXISTS insert_granted ON command_console.ops;
CREATE POLICY insert_granted ON command_console.ops FOR INSERT WITH CHECK (EXISTS (
    SELECT 1 FROM command_console.publishers p
    WHERE p.role_name = current_user AND p.console_id IN (ops.console_id, '*')));
DROP POLICY IF EXISTS read_all ON command_console.consoles;
CREATE POLICY read_all ON command_console.consoles FOR SELECT USING (true);
DROP POLICY IF EXISTS insert_granted ON command_console.consoles;
CREATE POLICY insert_granted ON command_console.consoles FOR INSERT WITH CHECK (EXISTS (
    SELECT 1 FROM command_console.publishers p
    WHERE p.role_name = current_user AND p.console_id IN (consoles.console_id, '*')));
INSERT INTO command_console.hub_meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
"""  # noqa: S608 - only the constants above are interpolated


def hub_init(url: str) -> str:
    """Create or migrate the hub schema (idempotent). Run by a role that may create schemas
    and roles. Returns one line."""

    def create(conn: Conn) -> str | None:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('command_console hub init'))")
        before = _schema_version(conn)
        conn.execute(SCHEMA_SQL)
        return before

    before = _admin(url, create)
    if before is None:
        return _("hub {url}: schema created (version {version})").format(
            url=shown_url(url), version=SCHEMA_VERSION
        )
    return _("hub {url}: schema at version {version} (was {before})").format(
        url=shown_url(url), version=SCHEMA_VERSION, before=before
    )


def hub_grant(url: str, role: str, console_ids: list[str]) -> str:
    """Let a login role publish the rows of these consoles ('*': any console, for a bridge)."""
    from psycopg import sql

    def grant(conn: Conn) -> None:
        conn.execute(
            sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUP_ROLE), sql.Identifier(role))
        )
        for console_id in console_ids:
            conn.execute(
                "INSERT INTO command_console.publishers (role_name, console_id) "
                "VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (role, console_id),
            )

    _admin(url, grant)
    return _("role {role} may publish the operations of: {consoles}").format(
        role=role, consoles=", ".join(console_ids)
    )


def _admin(url: str, action: Callable[[Conn], T]) -> T:
    """action(conn) in one transaction on a connection of its own; errors as HubError."""
    import psycopg

    try:
        with (
            psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn,
            conn.transaction(),
        ):
            return action(conn)
    except psycopg.Error as exc:
        raise HubError(one_line(exc)) from exc


def _schema_version(conn: Conn) -> str | None:
    exists = conn.execute("SELECT to_regclass('command_console.hub_meta')").fetchone()
    if exists is None or exists[0] is None:
        return None
    row = conn.execute(
        "SELECT value FROM command_console.hub_meta WHERE key = 'schema_version'"
    ).fetchone()
    return str(row[0]) if row else None
