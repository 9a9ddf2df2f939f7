"""The shift report as Markdown: plain enough to read in a terminal, prints cleanly.

User text is cleaned of control characters and every character Markdown (or an HTML
renderer behind it) could read as markup is backslash-escaped, so `[bold]`, `<script>`
and `*x*` show literally wherever the file is opened.
"""

from __future__ import annotations

import re
from datetime import datetime

from command_console.core.report import REPORT_FIELDS, problems
from command_console.data.exports.record import ShiftRecord, duration_text, safe

_INLINE = re.compile(r"([\\`*_\[\]<|~&])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>!]|\d+[.)])")


def md(text: str | None, multiline: bool = False, block: bool = False) -> str:
    """User text made inert for Markdown.

    Characters that open inline markup are escaped everywhere; list, heading and quote
    markers only where a line starts (every line of a block, the later lines otherwise).
    """
    lines = [_INLINE.sub(r"\\\1", line) for line in safe(text, multiline).split("\n")]
    first = 0 if block else 1
    lines[first:] = [_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line) for line in lines[first:]]
    return "\n".join(lines)


def _t(record: ShiftRecord, instant: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return instant.astimezone(record.zone).strftime(fmt) if instant else "—"


def render(record: ShiftRecord) -> str:
    out: list[str] = []
    w = record.window
    out.append(f"# Shift report — {md(record.site.label) or 'Command Console'}")
    out.append("")
    out.append(f"- **Window:** {_t(record, w.since)} – {_t(record, w.until)} ({md(record.site.time_zone)})")
    if w.shift_id:
        out.append(f"- **Shift:** {md(w.shift_id)}")
    out.append(f"- **Console:** {md(record.site.console_id)}")
    out.append(f"- **Generated:** {_t(record, record.generated_at)}")
    leads = "; ".join(f"{md(s.shift.lead)} ({_t(record, s.shift.started_at, '%m-%d %H:%M')}"
                      f" – {_t(record, s.shift.ended_at, '%m-%d %H:%M') if s.shift.ended_at else 'running'})"
                      for s in record.shifts)
    out.append(f"- **Leads:** {leads or '—'}")
    open_count = sum(1 for i in record.incidents if i.is_open)
    out.append(f"- **Incidents:** {len(record.incidents)} ({open_count} open), "
               f"{len(record.entries)} timeline entries, {len(record.calls)} calls")
    out += _handovers(record)
    out += _callbacks(record)
    out.append("")
    out.append("## Incidents")
    if not record.incidents:
        out += ["", "No incidents in this window."]
    for incident in record.incidents:
        out += _incident(record, incident)
    shift_entries = record.entries_of("")
    out += ["", "## Shift log", ""]
    out += [f"- {_t(record, e.at, '%m-%d %H:%M:%S')} {md(e.author)}: {md(e.text)}" for e in shift_entries] or ["- none"]
    out.append("")
    return "\n".join(out)


def _handovers(record: ShiftRecord) -> list[str]:
    done = [s for s in record.shifts if s.shift.ended_at is not None]
    if not done:
        return []
    out = ["", "## Handovers"]
    for info in done:
        s = info.shift
        out += ["", f"- {_t(record, s.ended_at)}: {md(s.lead)} handed over to {md(s.next_lead)}"]
        counts = info.summary.get("counts", {})
        if counts:
            out.append("  " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items())))
        if s.handover_note:
            out.append("  Note:")
            out += [f"  > {line}" for line in md(s.handover_note, multiline=True, block=True).split("\n")]
    return out


def _callbacks(record: ShiftRecord) -> list[str]:
    pending = record.callbacks()
    if not pending:
        return []
    out = ["", "## Calls awaiting a call-back", ""]
    out += [f"- {md(c.incident_id)}: {md(c.name)} {md(c.phone)} — {c.outcome} at {_t(record, c.at, '%m-%d %H:%M')}"
            + (f" ({c.attempts} attempts)" if c.attempts > 1 else "") for c in pending]
    return out


def _incident(record: ShiftRecord, incident) -> list[str]:
    out = ["", f"### {md(incident.id)} — {md(incident.title)}", ""]
    out.append(f"- **Severity:** {incident.severity.value} {incident.severity.label_zh}; "
               f"**status:** {incident.status.value}")
    out.append(f"- **Plan:** {md(incident.plan_title)} ({md(incident.plan_id)})")
    out.append(f"- **Started:** {_t(record, incident.started_at)}; **opened:** {_t(record, incident.opened_at)}"
               f" by {md(incident.opened_by)}; **resolved:** {_t(record, incident.resolved_at)}")
    if incident.steps:
        out += ["", "#### Plan steps", ""]
        for n, step in enumerate(incident.steps, 1):
            outcome = record.outcome(incident, step)
            box = "x" if outcome.label.startswith("done") else ("-" if outcome.label == "skipped" else " ")
            parts = [f"due {_t(record, step.due_at, '%H:%M')}" if step.due_at else ""]
            if step.state_at:
                parts.append(f"{step.state.value} {_t(record, step.state_at, '%H:%M')} by {md(step.state_by)}")
            if outcome.late:
                parts.append(("LATE by " if outcome.label == "done late" else "OVERDUE by ") + duration_text(outcome.late_s))
            if step.state_note:
                parts.append(md(step.state_note))
            detail = "; ".join(p for p in parts if p)
            out.append(f"{n}. [{box}] {md(step.text)}" + (f" — {detail}" if detail else ""))
    entries = record.entries_of(incident.id)
    out += ["", "#### Timeline", ""]
    out += [f"- {_t(record, e.at, '%m-%d %H:%M:%S')} {md(e.author)} ({e.kind.value}): {md(e.text)}"
            for e in entries] or ["- no entries in this window"]
    report = record.reports.get(incident.id)
    found = problems(report) if report else {}
    status = report.status.value if report else "draft"
    out += ["", f"#### Report ({status})" + (f" — missing or invalid: {', '.join(found)}" if found else ""), ""]
    for n, spec in enumerate(REPORT_FIELDS, 1):
        value = report.value(spec.key) if report else ""
        lines = md(value, multiline=True).split("\n") if value.strip() else ["(missing)"]
        out.append(f"{n}. **{spec.label} / {spec.label_zh}:** {lines[0]}")
        out += [f"   {line}" for line in lines[1:]]
    return out
