"""Reads: the readable tables turned into core dataclasses."""

from __future__ import annotations

import json

from sqlalchemy import select

from command_console.core.contacts import Contact
from command_console.core.errors import NotFound
from command_console.core.incidents import (
    EntryKind, Incident, PlanStepRun, Severity, Shift, Status, StepState, TimelineEntry,
)
from command_console.core.matching import resolve
from command_console.core.report import Report, ReportStatus
from command_console.data.schema import (
    CallRow, ConflictRow, ContactRow, EntryRow, IncidentRow, ReportFieldRow, ShiftRow, StampRow, StepRow,
)
from command_console.data.store import Store

incidents, steps, entries = IncidentRow.__table__, StepRow.__table__, EntryRow.__table__
report_fields, contacts, shifts = ReportFieldRow.__table__, ContactRow.__table__, ShiftRow.__table__
conflicts = ConflictRow.__table__


def _step(row) -> PlanStepRun:
    return PlanStepRun(
        incident_id=row.incident_id, step_id=row.step_id, position=row.position, text=row.text,
        deadline_s=row.deadline_s, contact_role=row.contact_role, escalate=row.escalate, note=row.note,
        due_at=row.due_at, state=StepState(row.state), state_at=row.state_at, state_by=row.state_by,
        state_note=row.state_note, acked_at=row.acked_at,
    )


def _incident(row, step_rows: list) -> Incident:
    return Incident(
        id=row.id, title=row.title, plan_id=row.plan_id, plan_title=row.plan_title, category=row.category,
        severity=Severity(row.severity), status=Status(row.status), started_at=row.started_at,
        opened_at=row.opened_at, opened_by=row.opened_by, console_id=row.console_id,
        resolved_at=row.resolved_at, steps=tuple(_step(s) for s in step_rows),
    )


def list_incidents(store: Store, include_resolved: bool = False) -> list[Incident]:
    """Open incidents (or all), most severe first, then oldest first."""
    query = select(incidents)
    if not include_resolved:
        query = query.where(incidents.c.status != Status.RESOLVED.value)
    with store.read() as conn:
        rows = conn.execute(query).all()
        ids = [r.id for r in rows]
        by_incident: dict[str, list] = {i: [] for i in ids}
        step_query = select(steps).order_by(steps.c.incident_id, steps.c.position)
        if not include_resolved:
            step_query = step_query.join(incidents, incidents.c.id == steps.c.incident_id).where(
                incidents.c.status != Status.RESOLVED.value)
        for s in conn.execute(step_query):
            by_incident.setdefault(s.incident_id, []).append(s)
    found = [_incident(r, by_incident[r.id]) for r in rows]
    return sorted(found, key=lambda i: (i.status == Status.RESOLVED, -i.severity.rank, i.started_at, i.id))


def resolve_incident(store: Store, query: str) -> str:
    return resolve(query, store.incident_ids(), "incident")


def get_incident(store: Store, incident_id: str) -> Incident:
    with store.read() as conn:
        row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).first()
        if row is None:
            raise NotFound(f"unknown incident {incident_id!r}")
        step_rows = conn.execute(select(steps).where(steps.c.incident_id == incident_id).order_by(steps.c.position)).all()
    return _incident(row, step_rows)


def report_status(store: Store, incident_id: str) -> ReportStatus:
    with store.read() as conn:
        value = conn.execute(select(incidents.c.report_status).where(incidents.c.id == incident_id)).scalar()
    return ReportStatus(value or "draft")


def timeline(store: Store, incident_id: str | None, limit: int | None = None) -> list[TimelineEntry]:
    """Entries oldest first; incident_id None gives every entry, '' the shift-level ones."""
    query = select(entries).order_by(entries.c.hlc, entries.c.console_id, entries.c.id)
    if incident_id is not None:
        query = query.where(entries.c.incident_id == incident_id)
    if limit:
        query = query.order_by(None).order_by(entries.c.hlc.desc()).limit(limit)
    with store.read() as conn:
        rows = conn.execute(query).all()
    if limit:
        rows.reverse()
    return [TimelineEntry(r.id, r.incident_id, r.at, r.author, r.console_id, EntryKind(r.kind), r.text) for r in rows]


def get_report(store: Store, incident_id: str) -> Report:
    with store.read() as conn:
        rows = conn.execute(select(report_fields).where(report_fields.c.incident_id == incident_id)).all()
    return Report(incident_id, {r.field: r.value for r in rows}, report_status(store, incident_id))


def list_contacts(store: Store) -> list[Contact]:
    with store.read() as conn:
        rows = conn.execute(select(contacts).order_by(contacts.c.name)).all()
    return [Contact(r.id, r.name, json.loads(r.roles), tuple(json.loads(r.phones)), r.notes, r.on_duty) for r in rows]


def list_shifts(store: Store) -> list[Shift]:
    with store.read() as conn:
        rows = conn.execute(select(shifts).order_by(shifts.c.started_at)).all()
    return [Shift(r.id, r.lead, r.started_at, r.ended_at, r.handover_note, r.next_lead) for r in rows]


def current_shift(store: Store) -> Shift | None:
    open_shifts = [s for s in list_shifts(store) if s.ended_at is None]
    return open_shifts[-1] if open_shifts else None


def list_calls(store: Store, incident_id: str | None = None) -> list:
    """Call attempts (rows with name, phone, role, outcome, at, author), oldest first."""
    table = CallRow.__table__
    query = select(table).order_by(table.c.at, table.c.id)
    if incident_id is not None:
        query = query.where(table.c.incident_id == incident_id)
    with store.read() as conn:
        return conn.execute(query).all()


def list_conflicts(store: Store, entity: str | None = None) -> list:
    query = select(conflicts).order_by(conflicts.c.at)
    if entity:
        query = query.where(conflicts.c.entity == entity)
    with store.read() as conn:
        return conn.execute(query).all()


def stamp_op_id(store: Store, entity: str, field: str) -> str | None:
    """The operation that last set a field: the `base` a new write names."""
    return store.last_writer(entity, field)
