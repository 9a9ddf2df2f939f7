"""The shift report as versioned JSON: everything needed to rebuild the report.

Times are UTC ISO 8601 ("2026-11-22T08:00:00Z"); `time_zone` says how to show them.
Bump FORMAT_VERSION when a key changes meaning or disappears (adding keys is compatible).
Keys and stored values (severity, state, outcome) stay English words in every language;
only the report field `label` follows the chosen language (`label_zh` is the seed's name).
"""

from __future__ import annotations

import json
from datetime import datetime

from command_console.core.report import REPORT_FIELDS, problems
from command_console.data.exports.record import ShiftRecord, safe
from command_console.i18n import _

FORMAT = "command-console/shift-report"
FORMAT_VERSION = 1


def iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_dict(record: ShiftRecord) -> dict:
    w = record.window
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": iso(record.generated_at),
        "console_id": record.site.console_id,
        "site": {"name": safe(record.site.site_name), "location": safe(record.site.site_location)},
        "time_zone": record.site.time_zone,
        "window": {"since": iso(w.since), "until": iso(w.until), "shift_id": w.shift_id},
        "report_fields": [
            {"key": f.key, "label": _(f.label), "label_zh": f.label_zh} for f in REPORT_FIELDS
        ],
        "shifts": [
            {
                "id": s.shift.id,
                "lead": safe(s.shift.lead),
                "started_at": iso(s.shift.started_at),
                "ended_at": iso(s.shift.ended_at),
                "next_lead": safe(s.shift.next_lead),
                "handover_note": safe(s.shift.handover_note, True),
                "handover_summary": _cleaned(s.summary),
            }
            for s in record.shifts
        ],
        "incidents": [_incident(record, i) for i in record.incidents],
        "shift_entries": [_entry(e) for e in record.entries_of("")],
        "calls": [
            {
                "id": c.id,
                "incident_id": c.incident_id,
                "contact_id": c.contact_id,
                "name": safe(c.name),
                "phone": safe(c.phone),
                "role": c.role,
                "outcome": c.outcome,
                "at": iso(c.at),
                "author": safe(c.author),
            }
            for c in record.calls
        ],
        "awaiting_callback": [
            {
                "incident_id": c.incident_id,
                "contact_id": c.contact_id,
                "name": safe(c.name),
                "outcome": c.outcome,
                "at": iso(c.at),
                "attempts": c.attempts,
            }
            for c in record.callbacks()
        ],
        "open_corrective_actions": [_action(a, record) for a in record.open_actions],
        "routines_done": [
            {
                "routine": r.routine,
                "title": r.title,
                "at": iso(r.at),
                "author": r.author,
                "console_id": r.console_id,
                "note": r.note,
            }
            for r in record.routines
        ],
    }


def _action(a, record: ShiftRecord) -> dict:
    return {
        "id": a.id,
        "incident_id": a.incident_id,
        "text": a.text,
        "owner": a.owner,
        "due_at": iso(a.due_at),
        "status": a.status,
        "overdue": a.overdue(record.reference),
        "done_at": iso(a.done_at),
        "done_by": a.done_by,
        "done_note": a.done_note,
    }


def _duties(record: ShiftRecord, incident_id: str) -> dict:
    """Drill and archive marks, upward reports (required, made, versions sent), the review."""
    found = record.duties.get(incident_id)
    if found is None:
        return {"drill": False, "archived_at": None}
    return {
        "drill": found.drill,
        "archived_at": iso(found.archived_at),
        "upward_reports": {
            "required": [
                {
                    "role": d.role,
                    "due_at": iso(d.due_at),
                    "told_at": iso(d.told_at),
                    "told_to": d.told_to,
                    "late_s": d.late_by(record.reference),
                    "reported": d.done,
                }
                for d in found.dues
            ],
            "sent": [
                {
                    "to": r.to,
                    "role": r.role,
                    "via": r.via,
                    "told_at": iso(r.told_at),
                    "version": r.version,
                    "version_kind": r.version_kind,
                    "author": r.author,
                }
                for r in found.sent
            ],
            "versions": [
                {
                    "number": v.number,
                    "kind": v.kind,
                    "fields": v.fields,
                    "frozen_at": iso(v.frozen_at),
                    "frozen_by": v.frozen_by,
                }
                for v in found.versions
            ],
        },
        "review": {
            "fields": found.review,
            "corrective_actions": [_action(a, record) for a in found.actions],
        },
    }


def _cleaned(value):
    """Stored JSON (a handover summary) with every string cleaned, however deep."""
    if isinstance(value, str):
        return safe(value, True)
    if isinstance(value, dict):
        return {safe(str(k)): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


def _entry(e) -> dict:
    found = {
        "id": e.id,
        "at": iso(e.at),
        "author": safe(e.author),
        "console_id": e.console_id,
        "kind": e.kind.value,
        "text": safe(e.text),
    }
    if e.amendment is not None:  # the text stays as logged; the latest correction beside it
        a = e.amendment
        found["amendment"] = {
            "text": safe(a.text),
            "retracted": a.retracted,
            "reason": safe(a.reason),
            "author": safe(a.author),
            "at": iso(a.at),
            "corrections": a.count,
        }
    return found


def _incident(record: ShiftRecord, i) -> dict:
    report = record.reports.get(i.id)
    return {
        "id": i.id,
        "title": safe(i.title),
        "plan_id": i.plan_id,
        "plan_title": safe(i.plan_title),
        "category": i.category,
        "severity": i.severity.value,
        "status": i.status.value,
        "started_at": iso(i.started_at),
        "opened_at": iso(i.opened_at),
        "opened_by": safe(i.opened_by),
        "console_id": i.console_id,
        "resolved_at": iso(i.resolved_at),
        "steps": [
            {
                "id": s.step_id,
                "position": s.position,
                "text": safe(s.text),
                "text_zh": safe(s.text_zh),
                "deadline_s": s.deadline_s,
                "contact_role": s.contact_role,
                "escalate": s.escalate,
                "due_at": iso(s.due_at),
                "state": s.state.value,
                "state_at": iso(s.state_at),
                "state_by": safe(s.state_by),
                "state_note": safe(s.state_note),
                "acked_at": iso(s.acked_at),
                "outcome": record.outcome(i, s).label,
            }
            for s in i.steps
        ],
        "report": {
            "status": report.status.value if report else "draft",
            "fields": {
                f.key: safe(report.value(f.key) if report else "", True) for f in REPORT_FIELDS
            },
            "problems": problems(report) if report else {},
        },
        "entries": [_entry(e) for e in record.entries_of(i.id)],
        **_duties(record, i.id),
    }


def render(record: ShiftRecord) -> str:
    """Every string in it cleaned, whatever field it came from (ids, roles, outcomes too)."""
    return json.dumps(_cleaned(to_dict(record)), ensure_ascii=False, indent=2) + "\n"
