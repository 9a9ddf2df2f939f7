"""The duties in a shift report: drill marks, upward reports (what was reported to whom
and when, what is overdue or not yet reported, each version sent), the review with its
corrective actions, and the routines done. Collected once; every writer renders these
plain, cleaned lines (Markdown and HTML escape them their own way)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from command_console.core.contacts import role_label, told_role
from command_console.core.duties import (
    REVIEW_FIELDS,
    CorrectiveAction,
    ReportVersion,
    UpwardDue,
    UpwardReport,
    review_field_label,
    version_label,
    via_label,
)
from command_console.core.report import field_name
from command_console.data import queries_duties
from command_console.data.store import Store
from command_console.i18n import _, current_language


@dataclass(frozen=True)
class IncidentDuties:
    drill: bool = False
    archived_at: datetime | None = None
    dues: tuple[UpwardDue, ...] = ()
    sent: tuple[UpwardReport, ...] = ()
    versions: tuple[ReportVersion, ...] = ()
    review: dict = field(default_factory=dict)
    actions: tuple[CorrectiveAction, ...] = ()


def collect_duties(store: Store, incident_ids) -> dict[str, IncidentDuties]:
    flags = queries_duties.flags(store)
    found = {}
    for incident_id in incident_ids:
        mark = flags.get(incident_id, queries_duties.Flags())
        found[incident_id] = IncidentDuties(
            mark.drill,
            mark.archived_at,
            tuple(queries_duties.upward_dues(store, incident_id)),
            tuple(queries_duties.upward_reports(store, incident_id)),
            tuple(queries_duties.report_versions(store, incident_id)),
            queries_duties.review(store, incident_id),
            tuple(queries_duties.actions(store, incident_id)),
        )
    return found


def _t(record, instant: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    return instant.astimezone(record.zone).strftime(fmt) if instant else "—"


def _late(seconds: int) -> str:
    from command_console.data.exports.record import duration_text

    return duration_text(seconds)


def due_line(record, due: UpwardDue) -> str:
    """'emergency leading group: by 08:15 — told Li at 08:10', '... — OVERDUE by 5 min, not yet reported'."""
    who = role_label(due.role, current_language())
    head = _("{who}: by {time}").format(who=who, time=_t(record, due.due_at, "%H:%M"))
    late = due.late_by(record.reference)
    if due.done:
        told = _("told {to} at {time}").format(
            to=due.told_to, time=_t(record, due.told_at, "%H:%M")
        )
        return f"{head} — {told}" + (
            " (" + _("LATE by {duration}").format(duration=_late(late)) + ")" if late else ""
        )
    if late is not None:
        return f"{head} — " + _("OVERDUE by {duration}, not yet reported").format(
            duration=_late(late)
        )
    return f"{head} — " + _("not yet reported")


def sent_line(record, sent: UpwardReport) -> str:
    role = told_role(sent.to, sent.role, current_language())
    return _("{time} told {to}{role} {via}: {version}, recorded by {author}").format(
        time=_t(record, sent.told_at),
        to=sent.to,
        role=role,
        via=via_label(sent.via),
        version=version_label(sent.version_kind, sent.version),
        author=sent.author,
    )


def version_lines(record, version: ReportVersion) -> list[str]:
    head = _("{version}, frozen {time} by {author}").format(
        version=version_label(version.kind, version.number),
        time=_t(record, version.frozen_at),
        author=version.frozen_by,
    )
    return [head] + [f"{field_name(key)}: {value}" for key, value in version.fields.items()]


def review_lines(duties: IncidentDuties) -> list[str]:
    keys = [k for k in REVIEW_FIELDS if duties.drill or k not in ("participants", "evaluation")]
    missing = _("(missing)")
    return [f"{review_field_label(k)}: {duties.review.get(k, '') or missing}" for k in keys]


def action_line(record, action: CorrectiveAction) -> str:
    base = _("{text} — {owner}, due {due}").format(
        text=action.text, owner=action.owner, due=_t(record, action.due_at, "%Y-%m-%d %H:%M")
    )
    if not action.is_open:
        return (
            base
            + " — "
            + _("done {time}: {note}").format(
                time=_t(record, action.done_at), note=action.done_note
            )
        )
    if action.overdue(record.reference):
        return base + " — " + _("OVERDUE")
    return base + " — " + _("open")
