"""The end-of-shift handover: what the next lead must know, built from plain data.

Pure functions: the caller passes incidents (with their steps), reports, call rows and
"now"; nothing here reads the store or the clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from command_console.core import labels
from command_console.core.incidents import Call, CallOutcome, Incident, Severity
from command_console.core.report import REPORT_FIELDS, Report, ReportStatus, field_name, problems
from command_console.core.text import clean
from command_console.core.timers import format_age, format_countdown, seconds_until
from command_console.i18n import N_, _, current_language, ngettext

if TYPE_CHECKING:
    from command_console.core.handover_duties import HandoverDuties

SUMMARY_VERSION = 1
# A handover op travels to other consoles, which refuse payloads over 64 KiB (core.ops).
SUMMARY_BUDGET_BYTES = 48 * 1024
CALLBACK_OUTCOMES = (CallOutcome.NO_ANSWER.value, CallOutcome.LEFT_MESSAGE.value)
# The `counts` of a recorded summary, as the exports name them. A key this console does not
# know (a peer's newer summary) is shown cleaned, with its underscores as spaces.
COUNT_LABELS = {
    "open_incidents": N_("open incidents"),
    "timed_steps": N_("timed steps"),
    "overdue_steps": N_("overdue steps"),
    "untimed_steps": N_("untimed steps"),
    "incomplete_reports": N_("incomplete reports"),
    "callbacks": N_("callbacks"),
    "open_actions": N_("open corrective actions"),
    "upward_owed": N_("upward reports owed"),
    "drills": N_("drills running"),
}


def count_label(key: object) -> str:
    key = clean(str(key))
    return _(COUNT_LABELS[key]) if key in COUNT_LABELS else key.replace("_", " ")


@dataclass(frozen=True)
class OpenIncident:
    id: str
    title: str
    severity: Severity
    status: str
    started_at: datetime
    age: str


@dataclass(frozen=True)
class PendingStep:
    incident_id: str
    step_id: str
    position: int
    text: str
    due_at: datetime | None
    seconds_left: int | None  # negative once overdue; None without a deadline

    @property
    def overdue(self) -> bool:
        return self.seconds_left is not None and self.seconds_left <= 0

    @property
    def countdown(self) -> str:
        return "" if self.seconds_left is None else format_countdown(self.seconds_left)


@dataclass(frozen=True)
class IncompleteReport:
    incident_id: str
    title: str
    problems: dict[str, str]  # field key -> what is wrong (missing, too short, bad time)

    @property
    def missing(self) -> list[str]:
        return list(self.problems)

    @property
    def labels(self) -> list[str]:
        names = {f.key: _(f.label) for f in REPORT_FIELDS}
        return [names[key] for key in self.problems if key in names]


@dataclass(frozen=True)
class Callback:
    """A call that did not reach its contact, with no later successful call."""

    incident_id: str
    contact_id: str
    name: str
    phone: str
    role: str
    outcome: str
    at: datetime
    attempts: int


@dataclass(frozen=True)
class HandoverSummary:
    at: datetime
    lead: str
    open_incidents: tuple[OpenIncident, ...] = ()
    steps: tuple[PendingStep, ...] = ()
    reports: tuple[IncompleteReport, ...] = ()
    callbacks: tuple[Callback, ...] = ()
    untimed_steps: int = 0  # open steps without a deadline (not listed one by one)
    note: str = field(default="", compare=False)
    duties: HandoverDuties | None = field(default=None, compare=False)

    @property
    def overdue(self) -> tuple[PendingStep, ...]:
        return tuple(s for s in self.steps if s.overdue)

    @property
    def is_quiet(self) -> bool:
        return not (self.open_incidents or self.steps or self.reports or self.callbacks) and (
            self.duties is None or self.duties.is_quiet
        )


def awaiting_callbacks(calls: Iterable[Call]) -> list[Callback]:
    """Per (incident, contact): the last unanswered attempt with no later 'reached' call.

    `calls` are rows with incident_id, contact_id, name, phone, role, outcome and at,
    in any order; ties in time count the reached call as later (it closes the loop).
    """
    ordered = sorted(calls, key=lambda c: (c.at, c.outcome == CallOutcome.REACHED.value))
    pending: dict[tuple[str, str], Callback] = {}
    for call in ordered:
        key = (call.incident_id, call.contact_id)
        if call.outcome == CallOutcome.REACHED.value:
            pending.pop(key, None)
        elif call.outcome in CALLBACK_OUTCOMES:
            attempts = pending[key].attempts + 1 if key in pending else 1
            pending[key] = Callback(
                call.incident_id,
                call.contact_id,
                call.name,
                call.phone,
                call.role,
                call.outcome,
                call.at,
                attempts,
            )
    return sorted(pending.values(), key=lambda c: (c.at, c.incident_id, c.contact_id))


def pending_steps(incidents: Iterable[Incident], now: datetime) -> list[PendingStep]:
    """Open steps of open incidents: overdue first, then by deadline, untimed last.

    The handover lists only the timed ones (PendingStep.due_at set) and counts the rest.
    """
    found = []
    for incident in incidents:
        if not incident.is_open:
            continue
        for step in incident.steps:
            if step.is_open:
                left = None if step.due_at is None else seconds_until(step.due_at, now)
                found.append(
                    PendingStep(
                        incident.id,
                        step.step_id,
                        step.position,
                        step.text_in(current_language()),
                        step.due_at,
                        left,
                    )
                )
    return sorted(
        found,
        key=lambda s: (s.seconds_left is None, s.seconds_left or 0, s.incident_id, s.position),
    )


def incomplete_reports(
    incidents: Iterable[Incident], reports: Mapping[str, Report]
) -> list[IncompleteReport]:
    found = []
    for incident in incidents:
        report = reports.get(incident.id) or Report(incident.id)
        if report.status == ReportStatus.COMPLETE:
            continue
        found.append(IncompleteReport(incident.id, incident.title, problems(report)))
    return found


def build_summary(
    incidents: Iterable[Incident],
    reports: Mapping[str, Report],
    calls: Iterable[Call],
    now: datetime,
    lead: str = "",
    note: str = "",
) -> HandoverSummary:
    """Everything the next lead inherits.

    incidents: open ones plus any resolved during the shift (their reports may still be
    open); calls: the call log of those incidents.
    """
    incidents = list(incidents)
    open_ones = sorted(
        (i for i in incidents if i.is_open), key=lambda i: (-i.severity.rank, i.started_at, i.id)
    )
    wanted = {i.id for i in incidents}
    pending = pending_steps(open_ones, now)
    return HandoverSummary(
        at=now,
        lead=lead,
        open_incidents=tuple(
            OpenIncident(
                i.id,
                i.title,
                i.severity,
                i.status.value,
                i.started_at,
                format_age(i.started_at, now),
            )
            for i in open_ones
        ),
        steps=tuple(s for s in pending if s.due_at is not None),
        untimed_steps=sum(1 for s in pending if s.due_at is None),
        reports=tuple(incomplete_reports(incidents, reports)),
        callbacks=tuple(c for c in awaiting_callbacks(calls) if c.incident_id in wanted),
        note=note,
    )


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_to_dict(
    summary: HandoverSummary, budget: int = SUMMARY_BUDGET_BYTES
) -> dict[str, Any]:  # a JSON document
    """A JSON-able record of the summary for the handover operation, within budget bytes.

    Long lists are cut from the end (least urgent last) and the cut is counted, so the
    operation always syncs; the readable tables still hold the full picture.
    """
    lists = {
        "open_incidents": [
            {
                "id": i.id,
                "title": clean(i.title),
                "severity": i.severity.value,
                "status": i.status,
                "started_at": _iso(i.started_at),
                "age": i.age,
            }
            for i in summary.open_incidents
        ],
        "steps": [
            {
                "incident_id": s.incident_id,
                "step_id": s.step_id,
                "text": clean(s.text),
                "due_at": _iso(s.due_at),
                "overdue": s.overdue,
            }
            for s in summary.steps
        ],
        "reports": [
            {"incident_id": r.incident_id, "title": clean(r.title), "missing": r.missing}
            for r in summary.reports
        ],
        "callbacks": [
            {
                "incident_id": c.incident_id,
                "contact_id": c.contact_id,
                "name": clean(c.name),
                "phone": clean(c.phone),
                "outcome": c.outcome,
                "at": _iso(c.at),
                "attempts": c.attempts,
            }
            for c in summary.callbacks
        ],
    }
    counts = {
        "open_incidents": len(summary.open_incidents),
        "timed_steps": len(summary.steps),
        "overdue_steps": len(summary.overdue),
        "untimed_steps": summary.untimed_steps,
        "incomplete_reports": len(summary.reports),
        "callbacks": len(summary.callbacks),
    }
    if summary.duties is not None:
        from command_console.core.handover_duties import duties_dict, duty_counts

        counts.update(duty_counts(summary.duties))
        lists["duties"] = duties_dict(summary.duties)
    result: dict[str, Any] = {
        "version": SUMMARY_VERSION,
        "at": _iso(summary.at),
        "lead": clean(summary.lead),
        "counts": counts,
        **lists,
        "omitted": {},
    }
    order = ["steps", "callbacks", "reports", "open_incidents"]  # trimmed first to last
    while len(json.dumps(result, ensure_ascii=False).encode()) > budget:
        name = next((n for n in order if result[n]), None)
        if name is None:
            break
        cut = max(1, len(result[name]) // 4)
        del result[name][-cut:]
        result["omitted"][name] = result["omitted"].get(name, 0) + cut
    return result


def summary_lines(summary: HandoverSummary, zone: tzinfo) -> list[str]:
    """Plain lines for the CLI and the screen, most urgent first, control characters removed.
    (Plain text: the screen renders them as Text, never as markup.)"""

    def hm(instant: datetime | None) -> str:
        return instant.astimezone(zone).strftime("%m-%d %H:%M") if instant else ""

    none = "  " + _("none")
    lines = [_("Open incidents ({n})").format(n=len(summary.open_incidents))]
    lines += [
        f"  {i.id}  {labels.severity_both(i.severity)}  {labels.status(i.status)}  "
        + _("age {age}").format(age=i.age)
        + f"  {i.title}"
        for i in summary.open_incidents
    ] or [none]
    lines.append(
        _(
            "Steps with deadlines ({n}, {overdue} overdue; {untimed} more open without a deadline)"
        ).format(n=len(summary.steps), overdue=len(summary.overdue), untimed=summary.untimed_steps)
    )
    for s in summary.steps:
        due = (_("OVERDUE {countdown}") if s.overdue else _("in {countdown}")).format(
            countdown=s.countdown
        )
        lines.append(
            f"  {s.incident_id}  {s.position + 1}. {s.text}  "
            + _("due {time} ({countdown})").format(time=hm(s.due_at), countdown=due)
        )
    if not summary.steps:
        lines.append(none)
    lines.append(_("Incomplete reports ({n})").format(n=len(summary.reports)))
    lines += [
        f"  {r.incident_id}  "
        + (
            _("missing or invalid: {fields}").format(
                fields=", ".join(field_name(k) for k in r.missing)
            )
            if r.missing
            else _("missing or invalid: none (not marked complete)")
        )
        for r in summary.reports
    ] or [none]
    lines.append(_("Calls awaiting a call-back ({n})").format(n=len(summary.callbacks)))
    lines += [
        f"  {c.incident_id}  {c.name} {c.phone}  "
        + _("{outcome} at {time}").format(outcome=labels.call_outcome(c.outcome), time=hm(c.at))
        + (
            " " + ngettext("({n} attempt)", "({n} attempts)", c.attempts).format(n=c.attempts)
            if c.attempts > 1
            else ""
        )
        for c in summary.callbacks
    ] or [none]
    if summary.duties is not None:
        from command_console.core.handover_duties import duty_lines

        lines += duty_lines(summary.duties, zone)
    return [clean(line) for line in lines]
