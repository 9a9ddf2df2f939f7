"""Reads: the readable tables turned into core dataclasses.

Plain SQL, like the write path: the console's first frame and the CLI never wait for
the ORM models to load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo

from command_console.core.contacts import Contact
from command_console.core.errors import NotFound
from command_console.core.incidents import (
    Call,
    EntryKind,
    Incident,
    PlanStepRun,
    Severity,
    Shift,
    Status,
    StepState,
    TimelineEntry,
    read_enum,
)
from command_console.core.matching import resolve
from command_console.core.report import Report, ReportStatus
from command_console.core.text import shown
from command_console.data.plan_titles import entries_in_language, in_chosen_language
from command_console.data.queries_edit import with_amendments
from command_console.data.store import Store
from command_console.data.timestamps import from_iso
from command_console.i18n import _


@dataclass(frozen=True)
class Conflict:
    """Two consoles set one field without seeing each other; the later write was kept."""

    id: str
    entity: str
    field: str
    kept_value: str
    lost_value: str
    lost_op: str
    lost_console: str
    at: datetime


def _rows(store: Store, sql: str, *params) -> list:
    return store.rows(sql, *params)


STEP_COLUMNS = (
    "incident_id, step_id, position, text, deadline_s, contact_role, escalate, note, due_at, state, "
    "state_at, state_by, state_note, acked_at, text_zh, note_zh, after_step, from_severity, at_once, "
    "guidance, added_at"
)


def _step(row: tuple) -> PlanStepRun:
    """A steps row selected as STEP_COLUMNS (a plain tuple: steps are the bulk of a load)."""
    (
        incident_id,
        step_id,
        position,
        text,
        deadline_s,
        contact_role,
        escalate,
        note,
        due_at,
        state,
        state_at,
        state_by,
        state_note,
        acked_at,
        text_zh,
        note_zh,
        after,
        from_severity,
        at_once,
        guidance,
        added_at,
    ) = row
    return PlanStepRun(
        incident_id,
        step_id,
        position,
        shown(text),
        deadline_s,
        contact_role and shown(contact_role),
        bool(escalate),
        shown(note, multiline=True),
        from_iso(due_at),
        read_enum(StepState, state),
        from_iso(state_at),
        shown(state_by),
        shown(state_note, multiline=True),
        from_iso(acked_at),
        shown(text_zh),
        shown(note_zh, multiline=True),
        after,
        from_severity,
        bool(at_once),
        bool(guidance),
        from_iso(added_at),
    )


def _plain_rows(conn, sql: str, *params) -> list[tuple]:
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params).fetchall()


def _incident(row, step_rows: list) -> Incident:
    return Incident(
        id=shown(row.id),
        title=shown(row.title),
        plan_id=shown(row.plan_id),
        plan_title=shown(row.plan_title),
        category=shown(row.category),
        severity=read_enum(Severity, row.severity),
        status=read_enum(Status, row.status),
        started_at=from_iso(row.started_at),
        opened_at=from_iso(row.opened_at),
        opened_by=shown(row.opened_by),
        console_id=shown(row.console_id),
        resolved_at=from_iso(row.resolved_at),
        steps=tuple(_step(s) for s in step_rows),
        drill=bool(getattr(row, "drill", 0)),
    )


def list_incidents(store: Store, include_resolved: bool = False) -> list[Incident]:
    """Open incidents (or all), most severe first, then oldest first."""
    where = "" if include_resolved else "WHERE i.status NOT IN ('resolved', 'cancelled')"
    with store.transaction("DEFERRED") as conn:
        rows = conn.execute(
            "SELECT i.*, coalesce(f.drill, 0) AS drill FROM incidents i LEFT JOIN incident_flags f "  # noqa: S608 - where is one of two fixed clauses
            f"ON f.incident_id = i.id {where}"
        ).fetchall()
        by_incident: dict[str, list] = {r.id: [] for r in rows}
        step_rows = _plain_rows(  # a lookup per listed incident, not a scan of every step
            conn,
            f"SELECT {STEP_COLUMNS} FROM steps WHERE incident_id IN (SELECT id FROM incidents i {where}) "  # noqa: S608 - fixed column list and where clause; values are bound
            "ORDER BY incident_id, position",
        )
    for s in step_rows:
        by_incident[s[0]].append(s)
    found = in_chosen_language(store, [_incident(r, by_incident[r.id]) for r in rows])
    return sorted(
        found, key=lambda i: (not i.is_open, i.is_cancelled, -i.severity.rank, i.started_at, i.id)
    )


def resolve_incident(store: Store, query: str) -> str:
    return resolve(query, store.incident_ids(), "incident")


def get_incident(store: Store, incident_id: str) -> Incident:
    with store.transaction("DEFERRED") as conn:
        row = conn.execute(
            "SELECT i.*, coalesce(f.drill, 0) AS drill FROM incidents i LEFT JOIN incident_flags f "
            "ON f.incident_id = i.id WHERE i.id = ?",
            (incident_id,),
        ).fetchone()
        step_rows = _plain_rows(
            conn,
            f"SELECT {STEP_COLUMNS} FROM steps WHERE incident_id = ? ORDER BY position",  # noqa: S608 - fixed column list; values are bound
            incident_id,
        )
    if row is None:
        raise NotFound(_("unknown incident {incident_id!r}").format(incident_id=incident_id))
    return in_chosen_language(store, [_incident(row, step_rows)])[0]


def report_status(store: Store, incident_id: str) -> ReportStatus:
    value = store.scalar("SELECT report_status FROM incidents WHERE id = ?", incident_id)
    return read_enum(ReportStatus, value or "draft")


def timeline(
    store: Store, incident_id: str | None, limit: int | None = None, *, zone: tzinfo | None = None
) -> list[TimelineEntry]:
    """Entries oldest first (the newest `limit` when given); incident_id None gives every
    entry, '' the shift-level ones. The times inside the console's own entries (an upward
    report's) in `zone`, the site's; in UTC, marked Z, without one."""
    where, params = ("", ()) if incident_id is None else ("WHERE incident_id = ?", (incident_id,))
    if limit:
        rows = _rows(
            store,
            f"SELECT * FROM entries {where} ORDER BY hlc DESC, console_id DESC, id DESC LIMIT ?",  # noqa: S608 - where is one of our fixed clauses; values are bound
            *params,
            limit,
        )
        rows.reverse()
    else:
        rows = _rows(store, f"SELECT * FROM entries {where} ORDER BY hlc, console_id, id", *params)  # noqa: S608 - where is one of our fixed clauses; values are bound
    entries = [
        TimelineEntry(
            r.id,
            r.incident_id,
            from_iso(r.at),
            shown(r.author),
            shown(r.console_id),
            read_enum(EntryKind, r.kind),
            shown(r.text, multiline=True),
        )
        for r in rows
    ]
    entries = with_amendments(store, entries)  # each with its latest correction, if any
    return entries_in_language(store, entries, zone=zone)  # the console's own words, local times


def get_report(store: Store, incident_id: str) -> Report:
    rows = _rows(store, "SELECT field, value FROM report_fields WHERE incident_id = ?", incident_id)
    return Report(
        incident_id,
        {r.field: shown(r.value, multiline=True) for r in rows},
        report_status(store, incident_id),
    )


def list_contacts(store: Store) -> list[Contact]:
    rows = _rows(store, "SELECT * FROM contacts ORDER BY name")
    return [
        Contact(
            r.id,
            shown(r.name),
            _roles(r.roles),
            _phones(r.phones),
            shown(r.notes, multiline=True),
            bool(r.on_duty),
        )
        for r in rows
    ]


def json_object(stored: str) -> dict:
    """A JSON object as stored; anything unreadable or not an object reads as {} rather than
    stopping a read."""
    try:
        value = json.loads(stored)
    except (ValueError, TypeError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _roles(stored: str) -> dict[str, int]:
    return {
        shown(role): rank for role, rank in json_object(stored).items() if isinstance(rank, int)
    }


def _phones(stored: str) -> tuple[str, ...]:
    try:
        value = json.loads(stored)
    except (ValueError, TypeError, RecursionError):
        return ()
    return tuple(shown(p) for p in value if isinstance(p, str)) if isinstance(value, list) else ()


def _shift(r) -> Shift:
    return Shift(
        shown(r.id),
        shown(r.lead),
        from_iso(r.started_at),
        from_iso(r.ended_at),
        shown(r.handover_note, multiline=True),
        shown(r.next_lead),
    )


def list_shifts(store: Store, *, own: bool = False) -> list[Shift]:
    """Every console's shifts, or (own) this console's only, oldest first."""
    where, params = ("WHERE console_id = ?", (store.console_id,)) if own else ("", ())
    rows = _rows(store, f"SELECT * FROM shifts {where} ORDER BY started_at", *params)  # noqa: S608 - where is a fixed clause; values are bound
    return [_shift(r) for r in rows]


def current_shift(store: Store) -> Shift | None:
    """This console's open shift: another console's shift never makes its lead ours."""
    rows = _rows(
        store,
        "SELECT * FROM shifts WHERE ended_at IS NULL AND console_id = ? ORDER BY started_at DESC "
        "LIMIT 1",
        store.console_id,
    )
    return next((_shift(r) for r in rows), None)


# A call line a lead retracted (logged to the wrong person) no longer counts as a call made.
RETRACTED_CALLS = "SELECT entry_id FROM entry_amendments WHERE retracted"


def list_calls(store: Store, incident_id: str | None = None) -> list[Call]:
    """Call attempts, oldest first (retracted ones left out)."""
    where, params = ("", ()) if incident_id is None else ("AND incident_id = ?", (incident_id,))
    rows = _rows(
        store,
        f"SELECT * FROM calls WHERE id NOT IN ({RETRACTED_CALLS}) {where} ORDER BY at, id",  # noqa: S608 - fixed clauses; values are bound
        *params,
    )
    return [
        Call(
            r.id,
            r.incident_id,
            r.contact_id,
            shown(r.name),
            shown(r.phone),
            shown(r.role),
            shown(r.outcome),
            from_iso(r.at),
            shown(r.author),
        )
        for r in rows
    ]


def list_conflicts(store: Store, entity: str | None = None) -> list[Conflict]:
    where, params = ("", ()) if entity is None else ("WHERE entity = ?", (entity,))
    rows = _rows(store, f"SELECT * FROM conflicts {where} ORDER BY at, id", *params)  # noqa: S608 - where is a fixed clause; values are bound
    return [
        Conflict(
            r.id,
            shown(r.entity),
            shown(r.field),
            shown(r.kept_value, multiline=True),
            shown(r.lost_value, multiline=True),
            r.lost_op,
            shown(r.lost_console),
            from_iso(r.at),
        )
        for r in rows
    ]
