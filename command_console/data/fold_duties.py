"""The fold of the duty operations: drills and archive, upward reports and report
versions, the post-incident review and its corrective actions, shift routines.

Like fold.py: plain SQL, every instant from the operations (never the wall clock), so a
rebuild from the ops equals the live tables. Upward-report rules work like held plan
steps: a rule applies once the incident's severity reaches its level, its deadline
counted from the incident's start (or from the raise that added it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from sqlite3 import Connection
from typing import Any

from command_console.core.clock import from_ms
from command_console.core.incidents import EntryKind, Severity
from command_console.core.ops import Op
from command_console.data.timestamps import from_iso, to_iso

TABLES_BY_INCIDENT = (
    "incident_flags",
    "upward_rules",
    "upward_dues",
    "upward_reports",
    "report_versions",
    "review_fields",
    "review_actions",
)

Handler = Callable[[Connection, Op, datetime], None]  # folds one op (fold.HANDLERS)


def _entry(
    conn: Connection, op: Op, at: datetime, kind: EntryKind, text: str, incident_id: str = ""
) -> None:
    from command_console.data import fold

    fold._entry(conn, op, at, kind, text, incident_id)


def _rank(severity: object) -> int:
    return next((s.rank for s in Severity if s.value == severity), 0)


def clear_entity(conn: Connection, entity: str) -> None:
    kind, key = entity.split(":", 1)
    if kind == "incident":
        for table in TABLES_BY_INCIDENT:
            conn.execute(f"DELETE FROM {table} WHERE incident_id = ?", (key,))  # noqa: S608 - table name from our own TABLES_BY_INCIDENT
    conn.execute("DELETE FROM routine_log WHERE entity = ?", (entity,))


def _incident(conn: Connection, incident_id: str) -> Any:  # (severity, started_at) or None
    return conn.execute(
        "SELECT severity, started_at FROM incidents WHERE id = ?", (incident_id,)
    ).fetchone()


def realize_dues(conn: Connection, incident_id: str, at: datetime | None) -> None:
    """Add the rules that apply at the incident's severity and are not yet due rows; `at`
    None: counted from the start (at opening), else from `at` (a raise)."""
    found = _incident(conn, incident_id)
    if found is None:
        return
    severity, started = found[0], from_iso(found[1])
    rules = conn.execute(
        "SELECT role, position, deadline_s, from_severity FROM upward_rules WHERE incident_id = ? "
        "AND role NOT IN (SELECT role FROM upward_dues WHERE incident_id = ?) ORDER BY position",
        (incident_id, incident_id),
    ).fetchall()
    for role, position, deadline_s, level in rules:
        if _rank(level) <= _rank(severity):
            due = (at or started) + timedelta(seconds=deadline_s)
            conn.execute(
                "INSERT OR IGNORE INTO upward_dues (incident_id, role, position, deadline_s, due_at, added_at, "
                "told_at, told_to) VALUES (?, ?, ?, ?, ?, ?, NULL, '')",
                (incident_id, role, position, deadline_s, to_iso(due), to_iso(at)),
            )
            _mark_told(conn, incident_id, role)


def _mark_told(conn: Connection, incident_id: str, role: str) -> None:
    """A due added after the report was made (a raise) counts the earliest telling of that role."""
    first = conn.execute(
        'SELECT told_at, "to" FROM upward_reports WHERE incident_id = ? AND role = ? '
        "ORDER BY told_at, id LIMIT 1",
        (incident_id, role),
    ).fetchone()
    if first is not None:
        conn.execute(
            "UPDATE upward_dues SET told_at = ?, told_to = ? WHERE incident_id = ? AND role = ?",
            (first[0], first[1], incident_id, role),
        )


def restart_dues(conn: Connection, incident_id: str) -> None:
    """The start time changed: move the deadlines that count from it."""
    found = _incident(conn, incident_id)
    if found is None:
        return
    started = from_iso(found[1])
    for role, deadline_s in conn.execute(
        "SELECT role, deadline_s FROM upward_dues WHERE incident_id = ? AND added_at IS NULL",
        (incident_id,),
    ).fetchall():
        conn.execute(
            "UPDATE upward_dues SET due_at = ? WHERE incident_id = ? AND role = ?",
            (to_iso(started + timedelta(seconds=deadline_s)), incident_id, role),
        )


def _extra(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    incident_id = p["incident_id"]
    if _incident(conn, incident_id) is None:
        return
    if conn.execute(
        "SELECT 1 FROM incident_flags WHERE incident_id = ?", (incident_id,)
    ).fetchone():
        return  # the first one counts (a second opening is ignored the same way)
    conn.execute(
        "INSERT INTO incident_flags (incident_id, drill, archived_at, archived_by) VALUES (?, ?, NULL, '')",
        (incident_id, bool(p["drill"])),
    )
    for position, rule in enumerate(p["upward"]):
        conn.execute(
            "INSERT OR IGNORE INTO upward_rules (incident_id, role, position, deadline_s, from_severity) "
            "VALUES (?, ?, ?, ?, ?)",
            (incident_id, rule["role"], position, rule["deadline_s"], rule["from_severity"]),
        )
    realize_dues(conn, incident_id, None)
    if p["drill"]:
        _entry(
            conn, op, at, EntryKind.STATUS, "Opened as a DRILL (not a real incident)", incident_id
        )


def _archive(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    conn.execute(
        "INSERT OR IGNORE INTO incident_flags (incident_id, drill, archived_at, archived_by) "
        "VALUES (?, 0, NULL, '')",
        (p["incident_id"],),
    )
    if p["archived"]:
        conn.execute(
            "UPDATE incident_flags SET archived_at = ?, archived_by = ? WHERE incident_id = ?",
            (to_iso(at), op.author, p["incident_id"]),
        )
    else:
        conn.execute(
            "UPDATE incident_flags SET archived_at = NULL, archived_by = '' WHERE incident_id = ?",
            (p["incident_id"],),
        )
    _entry(
        conn,
        op,
        at,
        EntryKind.STATUS,
        "Archived" if p["archived"] else "Taken out of the archive",
        p["incident_id"],
    )


def _report_sent(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    incident_id = p["incident_id"]
    if _incident(conn, incident_id) is None:
        return
    fields = json.dumps(p["fields"], sort_keys=True, ensure_ascii=False)
    same = conn.execute(
        "SELECT number FROM report_versions WHERE incident_id = ? AND kind = ? AND fields = ?",
        (incident_id, p["version"], fields),
    ).fetchone()
    if same is not None:
        number = same[0]
    else:
        number = (
            conn.execute(
                "SELECT max(number) FROM report_versions WHERE incident_id = ?", (incident_id,)
            ).fetchone()[0]
            or 0
        ) + 1
        conn.execute(
            "INSERT INTO report_versions (incident_id, number, kind, fields, frozen_at, frozen_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (incident_id, number, p["version"], fields, to_iso(at), op.author),
        )
    told = from_ms(p["told_at"])
    conn.execute(
        'INSERT OR IGNORE INTO upward_reports (id, incident_id, "to", role, via, told_at, version, '
        "version_kind, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.id,
            incident_id,
            p["to"],
            p["role"],
            p["via"],
            to_iso(told),
            number,
            p["version"],
            op.author,
        ),
    )
    if p["role"]:
        current = conn.execute(
            "SELECT told_at FROM upward_dues WHERE incident_id = ? AND role = ?",
            (incident_id, p["role"]),
        ).fetchone()
        if current is not None and (current[0] is None or from_iso(current[0]) > told):
            conn.execute(
                "UPDATE upward_dues SET told_at = ?, told_to = ? WHERE incident_id = ? AND role = ?",
                (to_iso(told), p["to"], incident_id, p["role"]),
            )
    role = f" ({p['role']})" if p["role"] else ""
    _entry(
        conn,
        op,
        at,
        EntryKind.REPORT,
        f"Told {p['to']}{role} {p['via']} at {told:%Y-%m-%d %H:%M}Z: "
        f"{p['version']} report v{number}",
        incident_id,
    )


def _review_set(conn: Connection, op: Op, at: datetime) -> None:
    from command_console.data import fold

    p = op.payload
    key = (p["incident_id"], p["field"])
    found = conn.execute(
        "SELECT value FROM review_fields WHERE incident_id = ? AND field = ?", key
    ).fetchone()
    fold._stamp(conn, op, at, "review." + p["field"], found[0] if found else "", p["value"])
    conn.execute(
        "INSERT OR REPLACE INTO review_fields (incident_id, field, value, updated_at, updated_by) "
        "VALUES (?, ?, ?, ?, ?)",
        (*key, p["value"], to_iso(at), op.author),
    )


def _action_add(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    conn.execute(
        "INSERT OR IGNORE INTO review_actions (id, incident_id, text, owner, due_at, status, created_at, "
        "created_by, done_at, done_by, done_note) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, NULL, '', '')",
        (
            p["action_id"],
            p["incident_id"],
            p["text"],
            p["owner"],
            to_iso(from_ms(p["due"])),
            to_iso(at),
            op.author,
        ),
    )
    _entry(
        conn,
        op,
        at,
        EntryKind.REPORT,
        f"Corrective action {p['action_id'][:6]} for {p['owner']}, due "
        f"{from_ms(p['due']):%Y-%m-%d %H:%M}Z: {p['text']}",
        p["incident_id"],
    )


def _action_done(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    row = conn.execute(
        "SELECT text, status FROM review_actions WHERE id = ? AND incident_id = ?",
        (p["action_id"], p["incident_id"]),
    ).fetchone()
    if row is None or row[1] == "done":
        return  # closed once: a second closing (another console, concurrently) changes nothing
    conn.execute(
        "UPDATE review_actions SET status = 'done', done_at = ?, done_by = ?, done_note = ? WHERE id = ?",
        (to_iso(at), op.author, p["note"], p["action_id"]),
    )
    _entry(
        conn,
        op,
        at,
        EntryKind.REPORT,
        f"Corrective action {p['action_id'][:6]} closed: {row[0]} — {p['note']}",
        p["incident_id"],
    )


def _routine_done(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    conn.execute(
        "INSERT OR IGNORE INTO routine_log (id, entity, console_id, routine, title, at, author, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.id,
            op.entity,
            op.console_id,
            p["routine"],
            p["title"],
            to_iso(at),
            op.author,
            p["note"],
        ),
    )
    note = f" — {p['note']}" if p["note"] else ""
    _entry(conn, op, at, EntryKind.SHIFT, f"Routine done: {p['title']}{note}")


def _after_incident_set(base: Handler) -> Handler:
    """incident.set, then the upward dues its severity or start time changes."""

    def handler(conn: Connection, op: Op, at: datetime) -> None:
        base(conn, op, at)
        field = op.payload.get("field")
        if field == "severity":
            realize_dues(conn, op.payload["id"], at)
        elif field == "started_at":
            restart_dues(conn, op.payload["id"])

    return handler


def handlers(existing: dict[str, Handler]) -> dict[str, Handler]:
    """The duty handlers, and incident.set wrapped, for fold.HANDLERS."""
    return {
        "incident.set": _after_incident_set(existing["incident.set"]),
        "incident.extra": _extra,
        "incident.archive": _archive,
        "report.sent": _report_sent,
        "incident.review": _review_set,
        "incident.action": _action_add,
        "incident.action_done": _action_done,
        "routine.done": _routine_done,
    }
