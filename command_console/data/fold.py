"""The fold: how each operation changes the readable tables.

Each entity (one incident, one contact, one shift) folds from its own operations in
(hlc, console, seq) order, so the tables are the same whatever order ops arrived in.
Plain SQL on purpose: this is the hot path of every write and of every sync.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from sqlite3 import Connection

from command_console.core.clock import from_ms, hlc_time
from command_console.core.incidents import EntryKind, StepState
from command_console.core.ops import Op
from command_console.data import fold_duties, fold_edit, fold_steps
from command_console.data.timestamps import from_iso, to_iso

# Kinds whose effect does not depend on what was folded before them (pure inserts):
# they may be applied late without refolding their entity.
ORDER_FREE = frozenset({"entry.add", "call.add"}) | fold_edit.ORDER_FREE


def apply(conn: Connection, op: Op) -> None:
    handler = HANDLERS.get(op.kind)
    if (
        handler is None
    ):  # a kind this version does not know (stored by hand or a newer console) changes nothing
        return
    try:
        handler(conn, op, written_at(op))
    except (KeyError, ValueError, TypeError, OverflowError, AttributeError):
        # An op stored before every op passed the schema (or edited by hand) that does not
        # fit: it changes nothing, the same way on every console and in every rebuild.
        return


def written_at(op: Op) -> datetime:
    """When the author wrote the op, by the author's clock (a peer's clock never dates our entries)."""
    return from_ms(op.wall) if op.wall else hlc_time(op.hlc)


def _sql(conn: Connection, statement: str, params: dict | tuple = ()):
    return conn.execute(statement, params)


def clear_entity(conn: Connection, entity: str) -> None:
    """Remove every readable row an entity's ops produced, before refolding it."""
    kind, key = entity.split(":", 1)
    if kind == "incident":
        _sql(conn, "DELETE FROM incidents WHERE id = :k", {"k": key})
        _sql(conn, "DELETE FROM steps WHERE incident_id = :k", {"k": key})
        _sql(conn, "DELETE FROM held_steps WHERE incident_id = :k", {"k": key})
        _sql(conn, "DELETE FROM report_fields WHERE incident_id = :k", {"k": key})
    elif kind == "contact":
        _sql(conn, "DELETE FROM contacts WHERE id = :k", {"k": key})
    elif kind == "shift":
        _sql(conn, "DELETE FROM shifts WHERE id = :k", {"k": key})
    for table in ("entries", "calls", "stamps", "conflicts"):
        _sql(conn, f"DELETE FROM {table} WHERE entity = :e", {"e": entity})  # noqa: S608 - table name from the fixed tuple above
    fold_duties.clear_entity(conn, entity)
    fold_edit.clear_entity(conn, entity)


def _entry(
    conn: Connection,
    op: Op,
    at: datetime,
    kind: EntryKind,
    text: str,
    incident_id: str = "",
    suffix: str = "",
) -> None:
    """A timeline entry made by op; its id is the op's (plus suffix for a second entry)."""
    _sql(
        conn,
        "INSERT OR IGNORE INTO entries (id, entity, incident_id, hlc, at, author, console_id, kind, text) "
        "VALUES (:id, :entity, :incident_id, :hlc, :at, :author, :console_id, :kind, :text)",
        {
            "id": op.id + suffix,
            "entity": op.entity,
            "incident_id": incident_id,
            "hlc": op.hlc,
            "at": to_iso(at),
            "author": op.author,
            "console_id": op.console_id,
            "kind": kind.value,
            "text": text,
        },
    )


def _stamp(
    conn: Connection, op: Op, at: datetime, field: str, old_value: str, new_value: str
) -> None:
    """Record who last set a scalar field; a write that did not see the previous one is a conflict."""
    current = _sql(
        conn,
        "SELECT op_id, console_id FROM stamps WHERE entity = :e AND field = :f",
        {"e": op.entity, "f": field},
    ).fetchone()
    base = op.payload.get("base")
    if current and current[0] != base and current[1] != op.console_id and old_value != new_value:
        _sql(
            conn,
            "INSERT OR IGNORE INTO conflicts (id, entity, field, kept_value, lost_value, lost_op, lost_console, at) "
            "VALUES (:id, :e, :f, :kept, :lost, :lost_op, :lost_console, :at)",
            {
                "id": op.id,
                "e": op.entity,
                "f": field,
                "kept": new_value,
                "lost": old_value,
                "lost_op": current[0],
                "lost_console": current[1],
                "at": to_iso(at),
            },
        )
        incident_id = op.entity.split(":", 1)[1] if op.entity.startswith("incident:") else ""
        _entry(
            conn,
            op,
            at,
            EntryKind.CONFLICT,
            f"Concurrent edit of {field}: {old_value!r} from console {current[1]} was overwritten by "
            f"{new_value!r} from console {op.console_id}; check which is right",
            incident_id,
            suffix=":conflict",
        )
    _sql(
        conn,
        "INSERT OR REPLACE INTO stamps (entity, field, op_id, console_id, hlc) VALUES (:e, :f, :op, :c, :h)",
        {"e": op.entity, "f": field, "op": op.id, "c": op.console_id, "h": op.hlc},
    )


def _incident_open(conn: Connection, op: Op, at: datetime) -> None:
    p, plan = op.payload, op.payload["plan"]
    if _sql(conn, "SELECT 1 FROM incidents WHERE id = :id", {"id": p["id"]}).fetchone():
        _entry(
            conn,
            op,
            at,
            EntryKind.CONFLICT,
            f"A second opening of incident {p['id']} ({p['title']}) from console "
            f"{op.console_id} was ignored; the incident keeps its first title, severity and plan",
            p["id"],
        )
        return
    started = from_ms(p["started_at"])
    _sql(
        conn,
        "INSERT OR IGNORE INTO incidents (id, title, plan_id, plan_title, category, severity, status, "
        "started_at, opened_at, opened_by, console_id, resolved_at, report_status) VALUES (:id, :title, "
        ":plan_id, :plan_title, :category, :severity, 'active', :started, :opened, :by, :console, NULL, 'draft')",
        {
            "id": p["id"],
            "title": p["title"],
            "plan_id": plan["id"],
            "plan_title": plan["title"],
            "category": plan["category"],
            "severity": p["severity"],
            "started": to_iso(started),
            "opened": to_iso(at),
            "by": op.author,
            "console": op.console_id,
        },
    )
    fold_steps.open_steps(conn, p["id"], plan["steps"], p["severity"], started)
    _entry(
        conn,
        op,
        at,
        EntryKind.STATUS,
        f"Opened with plan {plan['title']} ({p['severity']}): {p['title']}",
        p["id"],
    )


def _incident_set(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    field, value = p["field"], p["value"]
    if field not in ("title", "severity", "status", "started_at"):
        return
    row = _sql(conn, f"SELECT {field} FROM incidents WHERE id = :id", {"id": p["id"]}).fetchone()  # noqa: S608 - field checked against the fixed column names above
    if row is None:
        return
    old = row[0]
    if field == "started_at":
        old_text, new_text = _display(from_iso(old)), _display(from_ms(value))
        stored = to_iso(from_ms(value))
    else:
        old_text, new_text, stored = str(old), str(value), value
    _stamp(conn, op, at, field, old_text, new_text)
    _sql(conn, f"UPDATE incidents SET {field} = :v WHERE id = :id", {"v": stored, "id": p["id"]})  # noqa: S608 - field checked against the fixed column names above
    if field == "status":
        resolved = to_iso(at) if value == "resolved" else None
        _sql(
            conn,
            "UPDATE incidents SET resolved_at = :r WHERE id = :id",
            {"r": resolved, "id": p["id"]},
        )
    if field == "started_at":
        fold_steps.restart(conn, p["id"], from_ms(value))
    label = field.replace("_", " ").capitalize()
    _entry(conn, op, at, EntryKind.STATUS, f"{label}: {old_text} -> {new_text}", p["id"])
    added = fold_steps.raise_severity(conn, p["id"], value, at) if field == "severity" else []
    if added:
        _entry(
            conn,
            op,
            at,
            EntryKind.STATUS,
            f"Severity {value}: plan steps added: {'; '.join(added)}",
            p["id"],
            suffix=":steps",
        )


def _entry_add(conn: Connection, op: Op, at: datetime) -> None:
    _entry(
        conn, op, at, EntryKind(op.payload["kind"]), op.payload["text"], op.payload["incident_id"]
    )


def _call_add(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    _sql(
        conn,
        "INSERT OR IGNORE INTO calls (id, entity, incident_id, contact_id, name, phone, role, outcome, at, "
        "author) VALUES (:id, :e, :i, :c, :name, :phone, :role, :outcome, :at, :author)",
        {
            "id": op.id,
            "e": op.entity,
            "i": p["incident_id"],
            "c": p["contact_id"],
            "name": p["name"],
            "phone": p["phone"],
            "role": p["role"],
            "outcome": p["outcome"],
            "at": to_iso(at),
            "author": op.author,
        },
    )
    role = f" as {p['role']}" if p["role"] else ""
    _entry(
        conn,
        op,
        at,
        EntryKind.CALL,
        f"Call {p['name']} ({p['phone']}){role}: {p['outcome']}",
        p["incident_id"],
    )


def _step_row(conn: Connection, p: dict) -> tuple[str, str] | None:
    """(text, state) of a step, or None."""
    return _sql(
        conn,
        "SELECT text, state FROM steps WHERE incident_id = :i AND step_id = :s",
        {"i": p["incident_id"], "s": p["step_id"]},
    ).fetchone()


def _step_set(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    row = _step_row(conn, p)
    if row is None:
        return
    state = StepState(p["state"])
    key = {"i": p["incident_id"], "s": p["step_id"]}
    # A done step stays done: a concurrent skip does not undo it; only a reopen does.
    if state == StepState.PENDING:
        _sql(
            conn,
            "UPDATE steps SET state = 'pending', state_at = NULL, state_by = '', state_note = :n, "
            "acked_at = NULL WHERE incident_id = :i AND step_id = :s",
            {**key, "n": p["note"]},
        )
    elif not (row[1] == StepState.DONE and state == StepState.SKIPPED):
        _sql(
            conn,
            "UPDATE steps SET state = :st, state_at = :at, state_by = :by, state_note = :n "
            "WHERE incident_id = :i AND step_id = :s",
            {**key, "st": state.value, "at": to_iso(at), "by": op.author, "n": p["note"]},
        )
    fold_steps.refresh_after(conn, p["incident_id"], p["step_id"])
    verb = {"done": "Step done", "skipped": "Step skipped", "pending": "Step reopened"}[state.value]
    note = f" — {p['note']}" if p["note"] else ""
    _entry(conn, op, at, EntryKind.STEP, f"{verb}: {row[0]}{note}", p["incident_id"])


def _step_ack(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    row = _step_row(conn, p)
    if row is None:
        return
    _sql(
        conn,
        "UPDATE steps SET acked_at = :at WHERE incident_id = :i AND step_id = :s AND acked_at IS NULL",
        {"at": to_iso(at), "i": p["incident_id"], "s": p["step_id"]},
    )
    _entry(conn, op, at, EntryKind.STEP, f"Alarm acknowledged: {row[0]}", p["incident_id"])


def _report_set(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    key = {"i": p["incident_id"], "f": p["field"]}
    found = _sql(
        conn, "SELECT value FROM report_fields WHERE incident_id = :i AND field = :f", key
    ).fetchone()
    old = found[0] if found else ""
    _stamp(conn, op, at, "report." + p["field"], old, p["value"])
    _sql(
        conn,
        "INSERT OR REPLACE INTO report_fields (incident_id, field, value, updated_at, updated_by) "
        "VALUES (:i, :f, :v, :at, :by)",
        {**key, "v": p["value"], "at": to_iso(at), "by": op.author},
    )


def _report_status(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    _sql(
        conn,
        "UPDATE incidents SET report_status = :s WHERE id = :i",
        {"s": p["status"], "i": p["incident_id"]},
    )
    text = "Report marked complete" if p["status"] == "complete" else "Report reopened as draft"
    _entry(conn, op, at, EntryKind.REPORT, text, p["incident_id"])


def _contact_upsert(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    _sql(
        conn,
        "INSERT OR REPLACE INTO contacts (id, name, roles, phones, notes, on_duty) "
        "VALUES (:id, :name, :roles, :phones, :notes, :on_duty)",
        {
            "id": p["id"],
            "name": p["name"],
            "roles": json.dumps(p["roles"], sort_keys=True, ensure_ascii=False),
            "phones": json.dumps(p["phones"], ensure_ascii=False),
            "notes": p["notes"],
            "on_duty": p["on_duty"],
        },
    )


def _contact_remove(conn: Connection, op: Op, at: datetime) -> None:
    _sql(conn, "DELETE FROM contacts WHERE id = :id", {"id": op.payload["id"]})


def _shift_start(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    _sql(
        conn,
        "INSERT OR IGNORE INTO shifts (id, console_id, lead, started_at, ended_at, handover_note, next_lead, "
        "summary) VALUES (:id, :console, :lead, :at, NULL, '', '', '{}')",
        {"id": p["id"], "console": op.console_id, "lead": p["lead"], "at": to_iso(at)},
    )
    _entry(conn, op, at, EntryKind.SHIFT, f"Shift started, lead {p['lead']}")


def _shift_handover(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    _sql(
        conn,
        "UPDATE shifts SET ended_at = :at, handover_note = :note, next_lead = :next, summary = :summary "
        "WHERE id = :id AND console_id = :console",
        {
            "at": to_iso(at),
            "note": p["note"],
            "next": p["next_lead"],
            "id": p["id"],
            "console": op.console_id,
            "summary": json.dumps(p["summary"], sort_keys=True, ensure_ascii=False),
        },
    )
    _entry(conn, op, at, EntryKind.SHIFT, f"Shift handed over to {p['next_lead']}")


def _display(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value else ""


HANDLERS: dict[str, Callable[[Connection, Op, datetime], None]] = {
    "incident.open": _incident_open,
    "incident.set": _incident_set,
    "entry.add": _entry_add,
    "call.add": _call_add,
    "step.set": _step_set,
    "step.ack": _step_ack,
    "report.set": _report_set,
    "report.status": _report_status,
    "contact.upsert": _contact_upsert,
    "contact.remove": _contact_remove,
    "shift.start": _shift_start,
    "shift.handover": _shift_handover,
}
HANDLERS.update(fold_duties.handlers(HANDLERS))  # drills, upward reports, review, routines
HANDLERS.update(fold_edit.handlers())  # change of plan, cancel, log-entry corrections
