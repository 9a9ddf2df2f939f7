"""The shift report as Markdown: plain enough to read in a terminal, prints cleanly.

Everything from the database (ids, names, keys, counts, texts) is cleaned of control
characters and every character Markdown (or an HTML renderer behind it) could read as
markup is backslash-escaped, so `[bold]`, `<script>` and `*x*` show literally wherever the
file is opened. Labels are in the chosen language (command_console.i18n).
"""

from __future__ import annotations

import re
from datetime import datetime

from command_console.core import labels
from command_console.core.report import REPORT_FIELDS, field_name, field_title, problems
from command_console.data.exports import amended
from command_console.data.exports.record import ShiftRecord, duration_text, handover_counts, safe
from command_console.i18n import _, current_language, ngettext

_INLINE = re.compile(r"([\\`*_\[\]<|~&])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>!]|\d+[.)])")


def md(text: object, multiline: bool = False, block: bool = False) -> str:
    """Text from the database made inert for Markdown.

    Characters that open inline markup are escaped everywhere; list, heading and quote
    markers only where a line starts (every line of a block, the later lines otherwise).
    """
    lines = [_INLINE.sub(r"\\\1", line) for line in safe(text, multiline).split("\n")]
    first = 0 if block else 1
    lines[first:] = [
        _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line) for line in lines[first:]
    ]
    return "\n".join(lines)


def _t(record: ShiftRecord, instant: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return instant.astimezone(record.zone).strftime(fmt) if instant else "—"


def _item(label: str, value: str) -> str:
    return f"- **{label}:** {value}"


def render(record: ShiftRecord) -> str:
    w = record.window
    out = [_("# Shift report — {site}").format(site=md(record.site.label) or "Command Console"), ""]
    out.append(
        _item(
            _("Window"),
            f"{_t(record, w.since)} – {_t(record, w.until)} ({md(record.site.time_zone)})",
        )
    )
    if w.shift_id:
        out.append(_item(_("Shift"), md(w.shift_id)))
    out.append(_item(_("Console"), md(record.site.console_id)))
    out.append(_item(_("Generated"), _t(record, record.generated_at)))
    running = _("running")
    leads = "; ".join(
        f"{md(s.shift.lead)} ({_t(record, s.shift.started_at, '%m-%d %H:%M')}"
        f" – {_t(record, s.shift.ended_at, '%m-%d %H:%M') if s.shift.ended_at else running})"
        for s in record.shifts
    )
    out.append(_item(_("Leads"), leads or "—"))
    out.append(_item(_("Incidents"), totals(record)))
    out += _handovers(record)
    out += _callbacks(record)
    out += duty_sections(record)
    out += ["", _("## Incidents")]
    if not record.incidents:
        out += ["", _("No incidents in this window.")]
    for incident in record.incidents:
        out += _incident(record, incident)
    shift_entries = record.entries_of("")
    out += ["", _("## Shift log"), ""]
    out += [
        f"- {_t(record, e.at, '%m-%d %H:%M:%S')} {md(e.author)}: {md(e.text)}"
        for e in shift_entries
    ] or ["- " + _("none")]
    out.append("")
    return "\n".join(out)


def totals(record: ShiftRecord) -> str:
    """'3 (1 open), 15 timeline entries, 4 calls' (plain text; numbers only)."""
    real = [  # drills and cancelled incidents never count as incidents
        i for i in record.incidents if not record.is_drill(i.id) and not i.is_cancelled
    ]
    open_count = sum(1 for i in real if i.is_open)
    drills = sum(1 for i in record.incidents if record.is_drill(i.id))
    cancelled = sum(1 for i in record.incidents if i.is_cancelled and not record.is_drill(i.id))
    text = _("{incidents} ({open} open), {entries}, {calls}").format(
        incidents=len(real),
        open=open_count,
        entries=ngettext("{n} timeline entry", "{n} timeline entries", len(record.entries)).format(
            n=len(record.entries)
        ),
        calls=ngettext("{n} call", "{n} calls", len(record.calls)).format(n=len(record.calls)),
    )
    text += "; " + ngettext("{n} drill", "{n} drills", drills).format(n=drills) if drills else ""
    return text + (
        "; " + ngettext("{n} cancelled", "{n} cancelled", cancelled).format(n=cancelled)
        if cancelled
        else ""
    )


def _handovers(record: ShiftRecord) -> list[str]:
    done = [s for s in record.shifts if s.shift.ended_at is not None]
    if not done:
        return []
    out = ["", _("## Handovers")]
    for info in done:
        s = info.shift
        out += [
            "",
            f"- {_t(record, s.ended_at)}: "
            + _("{lead} handed over to {next_lead}").format(
                lead=md(s.lead), next_lead=md(s.next_lead)
            ),
        ]
        counts = handover_counts(info)
        if counts:
            out.append("  " + ", ".join(f"{md(label)} {md(value)}" for label, value in counts))
        if s.handover_note:
            out.append("  " + _("Note:"))
            out += [
                f"  > {line}"
                for line in md(s.handover_note, multiline=True, block=True).split("\n")
            ]
    return out


def attempts(n: int) -> str:
    return " " + ngettext("({n} attempt)", "({n} attempts)", n).format(n=n) if n > 1 else ""


def _callbacks(record: ShiftRecord) -> list[str]:
    pending = record.callbacks()
    if not pending:
        return []
    out = ["", _("## Calls awaiting a call-back"), ""]
    out += [
        f"- {md(c.incident_id)}: {md(c.name)} {md(c.phone)} — "
        + _("{outcome} at {time}").format(
            outcome=md(labels.call_outcome(c.outcome)), time=_t(record, c.at, "%m-%d %H:%M")
        )
        + attempts(c.attempts)
        for c in pending
    ]
    return out


def _incident(record: ShiftRecord, incident) -> list[str]:
    out = [
        "",
        f"### {md(incident.id)} — {md(incident.title)}{md(incident_mark(record, incident.id))}",
        "",
    ]
    out.append(
        _("- **Severity:** {severity}; **status:** {status}").format(
            severity=md(labels.severity_both(incident.severity)),
            status=md(labels.status(incident.status)),
        )
    )
    out.append(_item(_("Plan"), f"{md(incident.plan_title)} ({md(incident.plan_id)})"))
    out.append(
        _(
            "- **Started:** {started}; **opened:** {opened} by {author}; **resolved:** {resolved}"
        ).format(
            started=_t(record, incident.started_at),
            opened=_t(record, incident.opened_at),
            author=md(incident.opened_by),
            resolved=_t(record, incident.resolved_at),
        )
    )
    if incident.steps:
        out += ["", _("#### Plan steps"), ""]
        out += [_step(record, incident, n, step) for n, step in enumerate(incident.steps, 1)]
    entries = record.entries_of(incident.id)
    out += ["", _("#### Timeline"), ""]
    out += [
        f"- {_t(record, e.at, '%m-%d %H:%M:%S')} {md(e.author)} ({md(labels.entry_kind(e.kind))}): {amended.markup(e, record.zone, md, *amended.MD)}"
        for e in entries
    ] or ["- " + _("no entries in this window")]
    return out + _report(record, incident) + incident_duties(record, incident)


def _step(record: ShiftRecord, incident, n: int, step) -> str:
    outcome = record.outcome(incident, step)
    box = "x" if outcome.label.startswith("done") else ("-" if outcome.label == "skipped" else " ")
    parts = [_("due {time}").format(time=_t(record, step.due_at, "%H:%M")) if step.due_at else ""]
    if step.state_at:
        parts.append(
            _("{state} {time} by {author}").format(
                state=md(labels.step_state(step.state)),
                time=_t(record, step.state_at, "%H:%M"),
                author=md(step.state_by),
            )
        )
    if outcome.late:
        late = (
            _("LATE by {duration}") if outcome.label == "done late" else _("OVERDUE by {duration}")
        )
        parts.append(late.format(duration=duration_text(outcome.late_s)))
    if step.state_note:
        parts.append(md(step.state_note))
    # TRANSLATORS: separates the parts of a step's detail line (a full-width semicolon in Chinese).
    detail = _("; ").join(p for p in parts if p)
    return f"{n}. [{box}] {md(step.text_in(current_language()))}" + (
        f" — {detail}" if detail else ""
    )


def _report(record: ShiftRecord, incident) -> list[str]:
    report = record.reports.get(incident.id)
    found = problems(report) if report else {}
    status = labels.report_status(report.status if report else "draft")
    missing = (
        " — "
        + _("missing or invalid: {fields}").format(
            fields=", ".join(md(field_name(k)) for k in found)
        )
        if found
        else ""
    )
    out = ["", _("#### Report ({status})").format(status=md(status)) + missing, ""]
    for n, spec in enumerate(REPORT_FIELDS, 1):
        value = report.value(spec.key) if report else ""
        lines = md(value, multiline=True).split("\n") if value.strip() else [_("(missing)")]
        out.append(f"{n}. **{field_title(spec)}:** {lines[0]}")
        out += [f"   {line}" for line in lines[1:]]
    return out


def incident_mark(record: ShiftRecord, incident_id: str) -> str:
    """' — DRILL (not a real incident)', ' — archived' or both; '' for a plain incident."""
    duties = record.duties.get(incident_id)
    marks = []
    if duties is not None and duties.drill:
        marks.append(_("DRILL (not a real incident)"))
    if duties is not None and duties.archived_at is not None:
        marks.append(_("archived"))
    return "".join(" — " + m for m in marks)


def _bullets(lines: list[str], indent: str = "") -> list[str]:
    return [f"{indent}- {md(line)}" for line in lines]


def incident_duties(record: ShiftRecord, incident) -> list[str]:
    from command_console.data.exports import duties as d

    found = record.duties.get(incident.id)
    if found is None:
        return []
    out = ["", _("#### Upward reports"), ""]
    out += _bullets([d.due_line(record, due) for due in found.dues]) or ["- " + _("none required")]
    out += ["", _("Reported:")] + (
        _bullets([d.sent_line(record, sent) for sent in found.sent])
        or ["- " + _("nobody told yet")]
    )
    out += ["", _("Report versions sent:")] if found.versions else []
    for version in found.versions:
        head, *fields = d.version_lines(record, version)
        out += _bullets([head]) + _bullets(fields, "  ")
    if found.review or found.actions or not incident.is_open:
        out += ["", _("#### Review"), "", *_bullets(d.review_lines(found))]
        out += ["", _("Corrective actions:")] + (
            _bullets([d.action_line(record, a) for a in found.actions]) or ["- " + _("none")]
        )
    return out


def duty_sections(record: ShiftRecord) -> list[str]:
    """Open corrective actions (of any incident: they carry across shifts) and routines done."""
    from command_console.data.exports import duties as d

    out = []
    if record.open_actions:
        out += ["", _("## Open corrective actions"), ""]
        out += [
            f"- {md(a.incident_id)}: {md(d.action_line(record, a))}" for a in record.open_actions
        ]
    if record.routines:
        out += ["", _("## Routines done"), ""]
        out += [
            f"- {_t(record, r.at, '%m-%d %H:%M')} {md(r.author)}: {md(r.title)}"
            + (f" — {md(r.note)}" if r.note else "")
            for r in record.routines
        ]
    return out
