"""The shift report as one self-contained HTML page: inline CSS (with print rules), an
inline SVG timeline, no scripts and no network (a Content-Security-Policy forbids both).
Every piece of user text is cleaned and HTML-escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape

from command_console.core.report import REPORT_FIELDS, problems
from command_console.data.exports import timeline_svg
from command_console.data.exports.record import ShiftRecord, duration_text, safe

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
CSS = """
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Source Han Sans", "PingFang SC", "Microsoft YaHei",
       sans-serif; color: #111; margin: 2em auto; max-width: 60em; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { border-bottom: 2px solid #333; margin-top: 1.6em; }
h3 { margin-bottom: .3em; } h4 { margin: .8em 0 .3em; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1em 1em; }
dl.meta dt { font-weight: bold; }
dl.report { display: block; } dl.report dt { margin-top: .4em; } dl.report dd { margin-left: 1.5em; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .2em .4em; vertical-align: top; text-align: left; }
th { background: #eee; } td.when { white-space: nowrap; }
.sev { display: inline-block; padding: 0 .4em; border-radius: 3px; color: #fff; }
.sev-general { background: #4a78b0; } .sev-serious { background: #a87a00; }
.sev-major { background: #c05a1c; } .sev-critical { background: #a01c18; }
.late, .overdue { color: #b00000; font-weight: bold; } .missing { color: #b00000; font-style: italic; }
.note { white-space: pre-wrap; } section.incident { border-top: 1px solid #999; margin-top: 1.2em; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0 1px; max-width: none; font-size: 10pt; } table { width: 99.6%; }
  figure, dl.meta { break-inside: avoid; } figure { margin: 0; }
  tr { break-inside: avoid; } h2, h3, h4 { break-after: avoid; }
  .sev { color: #000; border: 1px solid #000; background: none; }
}
"""


def h(text: str | None, multiline: bool = False) -> str:
    return escape(safe(text, multiline), quote=True)


def _t(record: ShiftRecord, instant: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return instant.astimezone(record.zone).strftime(fmt) if instant else "—"


def render(record: ShiftRecord) -> str:
    w = record.window
    title = f"Shift report — {safe(record.site.label) or 'Command Console'}"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{escape(title)}</h1>", '<dl class="meta">']
    leads = "; ".join(f"{h(s.shift.lead)} ({_t(record, s.shift.started_at, '%m-%d %H:%M')} – "
                      f"{_t(record, s.shift.ended_at, '%m-%d %H:%M') if s.shift.ended_at else 'running'})"
                      for s in record.shifts)
    meta = [("Window", f"{_t(record, w.since)} – {_t(record, w.until)} ({h(record.site.time_zone)})"),
            ("Shift", h(w.shift_id or "—")), ("Console", h(record.site.console_id)),
            ("Leads", leads or "—"), ("Generated", _t(record, record.generated_at)),
            ("Incidents", f"{len(record.incidents)} ({sum(1 for i in record.incidents if i.is_open)} open), "
                          f"{len(record.entries)} timeline entries, {len(record.calls)} calls")]
    out += [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta]
    out += ["</dl>", "<h2>Shift timeline</h2>", "<figure>", timeline_svg.render(record), "</figure>"]
    out += _handovers(record) + _callbacks(record)
    out.append("<h2>Incidents</h2>")
    if not record.incidents:
        out.append("<p>No incidents in this window.</p>")
    for incident in record.incidents:
        out += _incident(record, incident)
    out += ["<h2>Shift log</h2>"] + _entries(record, record.entries_of(""))
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _handovers(record: ShiftRecord) -> list[str]:
    done = [s for s in record.shifts if s.shift.ended_at is not None]
    if not done:
        return []
    out = ["<h2>Handovers</h2>", "<ul>"]
    for info in done:
        s = info.shift
        counts = ", ".join(f"{k.replace('_', ' ')} {int(v)}" for k, v in sorted(info.summary.get("counts", {}).items()))
        note = f'<div class="note">{h(s.handover_note, True)}</div>' if s.handover_note else ""
        out.append(f"<li>{_t(record, s.ended_at)}: {h(s.lead)} handed over to {h(s.next_lead)}"
                   f"{'<br>' + counts if counts else ''}{note}</li>")
    return out + ["</ul>"]


def _callbacks(record: ShiftRecord) -> list[str]:
    pending = record.callbacks()
    if not pending:
        return []
    out = ["<h2>Calls awaiting a call-back</h2>", "<ul>"]
    out += [f"<li>{h(c.incident_id)}: {h(c.name)} {h(c.phone)} — {h(c.outcome)} at {_t(record, c.at, '%m-%d %H:%M')}"
            f"{f' ({c.attempts} attempts)' if c.attempts > 1 else ''}</li>" for c in pending]
    return out + ["</ul>"]


def _entries(record: ShiftRecord, entries) -> list[str]:
    if not entries:
        return ["<p>No entries in this window.</p>"]
    out = ["<table>", "<tr><th>Time</th><th>Author</th><th>Kind</th><th>Entry</th></tr>"]
    out += [f'<tr><td class="when">{_t(record, e.at, "%m-%d %H:%M:%S")}</td><td>{h(e.author)}</td>'
            f"<td>{e.kind.value}</td><td>{h(e.text)}</td></tr>" for e in entries]
    return out + ["</table>"]


def _incident(record: ShiftRecord, incident) -> list[str]:
    sev = incident.severity
    out = ['<section class="incident">',
           f'<h3>{h(incident.id)} — {h(incident.title)} <span class="sev sev-{sev.value}">{sev.value} '
           f"{sev.label_zh}</span></h3>",
           f"<p>Status <b>{incident.status.value}</b>. Plan {h(incident.plan_title)}. Started "
           f"{_t(record, incident.started_at)}; opened {_t(record, incident.opened_at)} by {h(incident.opened_by)}; "
           f"resolved {_t(record, incident.resolved_at)}.</p>"]
    if incident.steps:
        out += ["<h4>Plan steps</h4>", "<table>",
                "<tr><th>#</th><th>Step</th><th>Due</th><th>State</th><th>When / by</th><th>Late</th></tr>"]
        for n, step in enumerate(incident.steps, 1):
            outcome = record.outcome(incident, step)
            late = duration_text(outcome.late_s) if outcome.late else ""
            cls = ' class="overdue"' if outcome.late else ""
            when = f"{_t(record, step.state_at, '%H:%M')} {h(step.state_by)}" if step.state_at else ""
            note = f"<br><i>{h(step.state_note)}</i>" if step.state_note else ""
            out.append(f"<tr><td>{n}</td><td>{h(step.text)}{note}</td>"
                       f"<td class=\"when\">{_t(record, step.due_at, '%H:%M') if step.due_at else ''}</td>"
                       f"<td{cls}>{outcome.label}</td><td>{when}</td><td{cls}>{late}</td></tr>")
        out.append("</table>")
    out += ["<h4>Timeline</h4>"] + _entries(record, record.entries_of(incident.id))
    report = record.reports.get(incident.id)
    found = problems(report) if report else {}
    status = report.status.value if report else "draft"
    missing = f' <span class="missing">missing or invalid: {", ".join(found)}</span>' if found else ""
    out += [f"<h4>Report ({status}){missing}</h4>", '<dl class="meta report">']
    for n, spec in enumerate(REPORT_FIELDS, 1):
        value = report.value(spec.key) if report else ""
        body = f'<span class="note">{h(value, True)}</span>' if value.strip() else '<span class="missing">(missing)</span>'
        out.append(f"<dt>{n}. {spec.label} / {spec.label_zh}</dt><dd>{body}</dd>")
    return out + ["</dl>", "</section>"]
