"""The fold: how each operation changes the readable tables.

Each entity (one incident, one contact, one shift) folds from its own operations in
(hlc, console, seq) order, so the tables are the same whatever order ops arrived in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.sqlite import insert

from command_console.core.clock import from_ms, hlc_time
from command_console.core.incidents import EntryKind, StepState
from command_console.core.ops import Op
from command_console.core.timers import due_at
from command_console.data.schema import (
    CallRow, ConflictRow, ContactRow, EntryRow, IncidentRow, ReportFieldRow, ShiftRow, StampRow, StepRow,
)

incidents, steps, entries = IncidentRow.__table__, StepRow.__table__, EntryRow.__table__
report_fields, contacts, shifts = ReportFieldRow.__table__, ContactRow.__table__, ShiftRow.__table__
stamps, conflicts, calls = StampRow.__table__, ConflictRow.__table__, CallRow.__table__


def apply(conn: Connection, op: Op) -> None:
    HANDLERS[op.kind](conn, op, hlc_time(op.hlc))


def clear_entity(conn: Connection, entity: str) -> None:
    """Remove every readable row an entity's ops produced, before refolding it."""
    kind, key = entity.split(":", 1)
    if kind == "incident":
        for table in (incidents,):
            conn.execute(delete(table).where(table.c.id == key))
        for table in (steps, report_fields):
            conn.execute(delete(table).where(table.c.incident_id == key))
    elif kind == "contact":
        conn.execute(delete(contacts).where(contacts.c.id == key))
    elif kind == "shift":
        conn.execute(delete(shifts).where(shifts.c.id == key))
    for table in (entries, calls, stamps, conflicts):
        conn.execute(delete(table).where(table.c.entity == entity))


def _entry(conn: Connection, op: Op, at: datetime, kind: EntryKind, text: str, incident_id: str = "") -> None:
    conn.execute(insert(entries).values(
        id=op.id, entity=op.entity, incident_id=incident_id, hlc=op.hlc, at=at,
        author=op.author, console_id=op.console_id, kind=kind.value, text=text,
    ).on_conflict_do_nothing())


def _stamp(conn: Connection, op: Op, at: datetime, field: str, old_value: str, new_value: str) -> None:
    """Record who last set a scalar field; a write that did not see the previous one is a conflict."""
    current = conn.execute(
        select(stamps.c.op_id, stamps.c.console_id).where(stamps.c.entity == op.entity, stamps.c.field == field)
    ).first()
    base = op.payload.get("base")
    if current and current.op_id != base and current.console_id != op.console_id and old_value != new_value:
        conn.execute(insert(conflicts).values(
            id=op.id, entity=op.entity, field=field, kept_value=new_value, lost_value=old_value,
            lost_op=current.op_id, lost_console=current.console_id, at=at,
        ).on_conflict_do_nothing())
    conn.execute(insert(stamps).values(entity=op.entity, field=field, op_id=op.id, console_id=op.console_id, hlc=op.hlc)
                 .on_conflict_do_update(index_elements=["entity", "field"],
                                        set_={"op_id": op.id, "console_id": op.console_id, "hlc": op.hlc}))


def _incident_open(conn: Connection, op: Op, at: datetime) -> None:
    p, plan = op.payload, op.payload["plan"]
    started = from_ms(p["started_at"])
    conn.execute(insert(incidents).values(
        id=p["id"], title=p["title"], plan_id=plan["id"], plan_title=plan["title"], category=plan["category"],
        severity=p["severity"], status="active", started_at=started, opened_at=at, opened_by=op.author,
        console_id=op.console_id,
    ).on_conflict_do_nothing())
    for position, step in enumerate(plan["steps"]):
        conn.execute(insert(steps).values(
            incident_id=p["id"], step_id=step["id"], position=position, text=step["text"],
            deadline_s=step.get("deadline_s"), contact_role=step.get("contact_role"),
            escalate=bool(step.get("escalate")), note=step.get("note", ""),
            due_at=due_at(started, step.get("deadline_s")),
        ).on_conflict_do_nothing())
    _entry(conn, op, at, EntryKind.STATUS, f"Opened with plan {plan['title']} ({p['severity']}): {p['title']}", p["id"])


def _incident_set(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    row = conn.execute(select(incidents).where(incidents.c.id == p["id"])).first()
    if row is None:
        return
    field, value = p["field"], p["value"]
    old = getattr(row, field)
    old_text = _iso(old) if field == "started_at" else str(old)
    new_value = from_ms(value) if field == "started_at" else value
    new_text = _iso(new_value) if field == "started_at" else str(value)
    _stamp(conn, op, at, field, old_text, new_text)
    changes: dict = {field: new_value}
    if field == "status":
        changes["resolved_at"] = at if value == "resolved" else None
    conn.execute(update(incidents).where(incidents.c.id == p["id"]).values(**changes))
    if field == "started_at":
        for step in conn.execute(select(steps.c.step_id, steps.c.deadline_s).where(steps.c.incident_id == p["id"])):
            conn.execute(update(steps).where(steps.c.incident_id == p["id"], steps.c.step_id == step.step_id)
                         .values(due_at=due_at(new_value, step.deadline_s)))
    label = field.replace("_", " ").capitalize()
    _entry(conn, op, at, EntryKind.STATUS, f"{label}: {old_text} -> {new_text}", p["id"])


def _entry_add(conn: Connection, op: Op, at: datetime) -> None:
    _entry(conn, op, at, EntryKind(op.payload["kind"]), op.payload["text"], op.payload["incident_id"])


def _call_add(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    conn.execute(insert(calls).values(
        id=op.id, entity=op.entity, incident_id=p["incident_id"], contact_id=p["contact_id"], name=p["name"],
        phone=p["phone"], role=p["role"], outcome=p["outcome"], at=at, author=op.author,
    ).on_conflict_do_nothing())
    role = f" as {p['role']}" if p["role"] else ""
    _entry(conn, op, at, EntryKind.CALL, f"Call {p['name']} ({p['phone']}){role}: {p['outcome']}", p["incident_id"])


def _step_row(conn: Connection, p: dict):
    return conn.execute(select(steps).where(steps.c.incident_id == p["incident_id"], steps.c.step_id == p["step_id"])).first()


def _step_set(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    row = _step_row(conn, p)
    if row is None:
        return
    state = StepState(p["state"])
    # A done step stays done: a concurrent skip does not undo it; only a reopen does.
    if not (row.state == StepState.DONE and state == StepState.SKIPPED):
        conn.execute(update(steps).where(steps.c.incident_id == p["incident_id"], steps.c.step_id == p["step_id"])
                     .values(state=state.value, state_at=None if state == StepState.PENDING else at,
                             state_by="" if state == StepState.PENDING else op.author,
                             state_note=p["note"], acked_at=None if state == StepState.PENDING else row.acked_at))
    verb = {"done": "Step done", "skipped": "Step skipped", "pending": "Step reopened"}[state.value]
    note = f" — {p['note']}" if p["note"] else ""
    _entry(conn, op, at, EntryKind.STEP, f"{verb}: {row.text}{note}", p["incident_id"])


def _step_ack(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    row = _step_row(conn, p)
    if row is None:
        return
    if row.acked_at is None:
        conn.execute(update(steps).where(steps.c.incident_id == p["incident_id"], steps.c.step_id == p["step_id"])
                     .values(acked_at=at))
    _entry(conn, op, at, EntryKind.STEP, f"Alarm acknowledged: {row.text}", p["incident_id"])


def _report_set(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    old = conn.execute(select(report_fields.c.value).where(
        report_fields.c.incident_id == p["incident_id"], report_fields.c.field == p["field"])).scalar() or ""
    _stamp(conn, op, at, "report." + p["field"], old, p["value"])
    conn.execute(insert(report_fields).values(
        incident_id=p["incident_id"], field=p["field"], value=p["value"], updated_at=at, updated_by=op.author,
    ).on_conflict_do_update(index_elements=["incident_id", "field"],
                            set_={"value": p["value"], "updated_at": at, "updated_by": op.author}))


def _report_status(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    conn.execute(update(incidents).where(incidents.c.id == p["incident_id"]).values(report_status=p["status"]))
    text = "Report marked complete" if p["status"] == "complete" else "Report reopened as draft"
    _entry(conn, op, at, EntryKind.REPORT, text, p["incident_id"])


def _contact_upsert(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    values = dict(name=p["name"], roles=json.dumps(p["roles"], sort_keys=True, ensure_ascii=False),
                  phones=json.dumps(p["phones"], ensure_ascii=False), notes=p["notes"], on_duty=p["on_duty"])
    conn.execute(insert(contacts).values(id=p["id"], **values)
                 .on_conflict_do_update(index_elements=["id"], set_=values))


def _contact_remove(conn: Connection, op: Op, at: datetime) -> None:
    conn.execute(delete(contacts).where(contacts.c.id == op.payload["id"]))


def _shift_start(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    conn.execute(insert(shifts).values(id=p["id"], lead=p["lead"], started_at=at).on_conflict_do_nothing())
    _entry(conn, op, at, EntryKind.SHIFT, f"Shift started, lead {p['lead']}")


def _shift_handover(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    conn.execute(update(shifts).where(shifts.c.id == p["id"]).values(
        ended_at=at, handover_note=p["note"], next_lead=p["next_lead"],
        summary=json.dumps(p["summary"], sort_keys=True, ensure_ascii=False)))
    _entry(conn, op, at, EntryKind.SHIFT, f"Shift handed over to {p['next_lead']}")


def _iso(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if isinstance(value, datetime) else str(value)


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
