"""Reads of the duty tables as core dataclasses (plain SQL, text cleaned as it leaves)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from command_console.core.duties import CorrectiveAction, ReportVersion, UpwardDue, UpwardReport
from command_console.core.incidents import Incident
from command_console.core.text import shown
from command_console.data.queries import json_object
from command_console.data.store import Store
from command_console.data.timestamps import from_iso


@dataclass(frozen=True)
class Flags:
    drill: bool = False
    archived_at: datetime | None = None


def flags(store: Store) -> dict[str, Flags]:
    """Incident id -> drill / archived (incidents without a row are real and not archived)."""
    return {
        r.incident_id: Flags(bool(r.drill), from_iso(r.archived_at))
        for r in store.rows("SELECT incident_id, drill, archived_at FROM incident_flags")
    }


def flags_of(store: Store, incident_id: str) -> Flags:
    return flags(store).get(incident_id, Flags())


def _where(incident_id: str | None) -> tuple[str, tuple[str, ...]]:
    return ("", ()) if incident_id is None else ("WHERE incident_id = ?", (incident_id,))


def upward_dues(store: Store, incident_id: str | None = None) -> list[UpwardDue]:
    where, params = _where(incident_id)
    rows = store.rows(f"SELECT * FROM upward_dues {where} ORDER BY incident_id, position", *params)  # noqa: S608 - where is a fixed clause from _where; values are bound
    return [
        UpwardDue(
            r.incident_id,
            shown(r.role),
            r.deadline_s,
            from_iso(r.due_at),
            from_iso(r.told_at),
            shown(r.told_to),
        )
        for r in rows
    ]


def open_upward_dues(store: Store) -> list[UpwardDue]:
    """Untold dues of incidents still open (a resolved incident's missing reports show in its export)."""
    rows = store.rows(
        "SELECT d.* FROM upward_dues d JOIN incidents i ON i.id = d.incident_id "
        "WHERE d.told_at IS NULL AND i.status NOT IN ('resolved', 'cancelled') ORDER BY d.due_at"
    )
    return [
        UpwardDue(r.incident_id, shown(r.role), r.deadline_s, from_iso(r.due_at), None, "")
        for r in rows
    ]


def upward_reports(store: Store, incident_id: str | None = None) -> list[UpwardReport]:
    where, params = _where(incident_id)
    rows = store.rows(f"SELECT * FROM upward_reports {where} ORDER BY told_at, id", *params)  # noqa: S608 - where is a fixed clause from _where; values are bound
    return [
        UpwardReport(
            r.id,
            r.incident_id,
            shown(r.to),
            r.role and shown(r.role),
            shown(r.via),
            from_iso(r.told_at),
            r.version,
            shown(r.version_kind),
            shown(r.author),
        )
        for r in rows
    ]


def report_versions(store: Store, incident_id: str) -> list[ReportVersion]:
    rows = store.rows(
        "SELECT * FROM report_versions WHERE incident_id = ? ORDER BY number", incident_id
    )
    return [
        ReportVersion(
            r.incident_id,
            r.number,
            shown(r.kind),
            _fields(r.fields),
            from_iso(r.frozen_at),
            shown(r.frozen_by),
        )
        for r in rows
    ]


def _fields(stored: str) -> dict[str, str]:
    return {
        shown(k): shown(v, multiline=True)
        for k, v in json_object(stored).items()
        if isinstance(v, str)
    }


def review(store: Store, incident_id: str) -> dict[str, str]:
    rows = store.rows("SELECT field, value FROM review_fields WHERE incident_id = ?", incident_id)
    return {r.field: shown(r.value, multiline=True) for r in rows}


def _action(r: Any) -> CorrectiveAction:  # a named row of review_actions
    return CorrectiveAction(
        r.id,
        r.incident_id,
        shown(r.text),
        shown(r.owner),
        from_iso(r.due_at),
        shown(r.status),
        from_iso(r.created_at),
        from_iso(r.done_at),
        shown(r.done_by),
        shown(r.done_note, multiline=True),
    )


def actions(
    store: Store, incident_id: str | None = None, *, open_only: bool = False
) -> list[CorrectiveAction]:
    clauses, params = [], []
    if incident_id is not None:
        clauses.append("incident_id = ?")
        params.append(incident_id)
    if open_only:
        clauses.append("status = 'open'")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return [
        _action(r)
        for r in store.rows(f"SELECT * FROM review_actions {where} ORDER BY due_at, id", *params)  # noqa: S608 - where is a fixed clause; values are bound
    ]


def action_ids(store: Store) -> list[str]:
    return [r[0] for r in store.rows("SELECT id FROM review_actions")]


def routine_done_times(store: Store, console_id: str) -> dict[str, datetime]:
    """Routine id -> when this console last did it."""
    rows = store.rows(
        "SELECT routine, max(at) AS last FROM routine_log WHERE console_id = ? GROUP BY routine",
        console_id,
    )
    return {r.routine: from_iso(r.last) for r in rows}


@dataclass(frozen=True)
class RoutineDoneEntry:
    id: str
    console_id: str
    routine: str
    title: str
    at: datetime
    author: str
    note: str


def routine_log(
    store: Store, since: datetime | None = None, until: datetime | None = None
) -> list[RoutineDoneEntry]:
    from command_console.data.timestamps import to_iso

    rows = store.rows(
        "SELECT * FROM routine_log WHERE at >= ? AND at <= ? ORDER BY at, id",
        to_iso(since) if since else "",
        to_iso(until) if until else "9999",
    )
    return [
        RoutineDoneEntry(
            r.id,
            shown(r.console_id),
            shown(r.routine),
            shown(r.title),
            from_iso(r.at),
            shown(r.author),
            shown(r.note, multiline=True),
        )
        for r in rows
    ]


def incident_view(store: Store, view: str) -> list[Incident]:
    """The console's incident list. 'open': open incidents; 'resolved': with the resolved ones;
    'archive': archived incidents only. Archived incidents leave the first two (issue #15)."""
    from command_console.data.queries import list_incidents

    archived = {key for key, mark in flags(store).items() if mark.archived_at is not None}
    found = list_incidents(store, include_resolved=view != "open")
    return [i for i in found if (i.id in archived) == (view == "archive")]
