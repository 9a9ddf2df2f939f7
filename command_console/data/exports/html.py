"""The shift report as one self-contained HTML page: inline CSS (with print rules), an
inline SVG timeline, no scripts and no network (a Content-Security-Policy forbids both).
Everything from the database (ids, names, keys, counts, texts) and every label is cleaned
and HTML-escaped; `lang` is the chosen language."""

from __future__ import annotations

from datetime import datetime
from html import escape

from command_console.core import labels
from command_console.core.report import REPORT_FIELDS, field_name, field_title, problems
from command_console.data.exports import amended, timeline_svg
from command_console.data.exports.markdown import attempts, incident_mark, totals
from command_console.data.exports.record import ShiftRecord, duration_text, handover_counts, safe
from command_console.i18n import _, current_language

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


def h(text: object, multiline: bool = False) -> str:
    """Anything from the database (or a label) cleaned and HTML-escaped, quotes included."""
    return escape(safe(text, multiline), quote=True)


def tag(name: str, text: str) -> str:
    return f"<{name}>{h(text)}</{name}>"


def _t(record: ShiftRecord, instant: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return instant.astimezone(record.zone).strftime(fmt) if instant else "—"


def render(record: ShiftRecord) -> str:
    w = record.window
    title = _("Shift report — {site}").format(site=safe(record.site.label) or "Command Console")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{h(current_language())}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{h(title)}</h1>",
        '<dl class="meta">',
    ]
    running = h(_("running"))
    leads = "; ".join(
        f"{h(s.shift.lead)} ({_t(record, s.shift.started_at, '%m-%d %H:%M')} – "
        f"{_t(record, s.shift.ended_at, '%m-%d %H:%M') if s.shift.ended_at else running})"
        for s in record.shifts
    )
    meta = [
        (
            _("Window"),
            f"{_t(record, w.since)} – {_t(record, w.until)} ({h(record.site.time_zone)})",
        ),
        (_("Shift"), h(w.shift_id or "—")),
        (_("Console"), h(record.site.console_id)),
        (_("Leads"), leads or "—"),
        (_("Generated"), _t(record, record.generated_at)),
        (_("Incidents"), h(totals(record))),
    ]
    out += [f"<dt>{h(k)}</dt><dd>{v}</dd>" for k, v in meta]
    out += [
        "</dl>",
        tag("h2", _("Shift timeline")),
        "<figure>",
        timeline_svg.render(record),
        "</figure>",
    ]
    out += _handovers(record) + _callbacks(record) + _duty_sections(record)
    out.append(tag("h2", _("Incidents")))
    if not record.incidents:
        out.append(tag("p", _("No incidents in this window.")))
    for incident in record.incidents:
        out += _incident(record, incident)
    out += [tag("h2", _("Shift log")), *_entries(record, record.entries_of(""))]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _handovers(record: ShiftRecord) -> list[str]:
    done = [s for s in record.shifts if s.shift.ended_at is not None]
    if not done:
        return []
    out = [tag("h2", _("Handovers")), "<ul>"]
    for info in done:
        s = info.shift
        counts = ", ".join(f"{h(label)} {h(value)}" for label, value in handover_counts(info))
        note = f'<div class="note">{h(s.handover_note, True)}</div>' if s.handover_note else ""
        handed = h(
            _("{lead} handed over to {next_lead}").format(
                lead=safe(s.lead), next_lead=safe(s.next_lead)
            )
        )
        out.append(
            f"<li>{_t(record, s.ended_at)}: {handed}{'<br>' + counts if counts else ''}{note}</li>"
        )
    return [*out, "</ul>"]


def _callbacks(record: ShiftRecord) -> list[str]:
    pending = record.callbacks()
    if not pending:
        return []
    out = [tag("h2", _("Calls awaiting a call-back")), "<ul>"]
    out += [
        f"<li>{h(c.incident_id)}: {h(c.name)} {h(c.phone)} — "
        + h(
            _("{outcome} at {time}").format(
                outcome=labels.call_outcome(c.outcome), time=_t(record, c.at, "%m-%d %H:%M")
            )
            + attempts(c.attempts)
        )
        + "</li>"
        for c in pending
    ]
    return [*out, "</ul>"]


def _entries(record: ShiftRecord, entries) -> list[str]:
    if not entries:
        return [tag("p", _("No entries in this window."))]
    head = "".join(
        f"<th>{h(label)}</th>" for label in (_("Time"), _("Author"), _("Kind"), _("Entry"))
    )
    out = ["<table>", f"<tr>{head}</tr>"]
    out += [
        f'<tr><td class="when">{_t(record, e.at, "%m-%d %H:%M:%S")}</td><td>{h(e.author)}</td>'
        f"<td>{h(labels.entry_kind(e.kind))}</td><td>{amended.markup(e, record.zone, h, *amended.HTML)}</td></tr>"
        for e in entries
    ]
    return [*out, "</table>"]


def _incident(record: ShiftRecord, incident) -> list[str]:
    sev = labels.raw(incident.severity)
    out = [
        '<section class="incident">',
        f"<h3>{h(incident.id)} — {h(incident.title)}{h(incident_mark(record, incident.id))} "
        f'<span class="sev sev-{h(sev)}">{h(labels.severity_both(sev))}</span></h3>',
        "<p>"
        + _(
            "Status <b>{status}</b>. Plan {plan}. Started {started}; opened {opened} by {author}; "
            "resolved {resolved}."
        ).format(
            status=h(labels.status(incident.status)),
            plan=h(incident.plan_title),
            started=_t(record, incident.started_at),
            opened=_t(record, incident.opened_at),
            author=h(incident.opened_by),
            resolved=_t(record, incident.resolved_at),
        )
        + "</p>",
    ]
    if incident.steps:
        head = "".join(
            f"<th>{h(label)}</th>"
            for label in ("#", _("Step"), _("Due"), _("State"), _("When / by"), _("Late"))
        )
        out += [tag("h4", _("Plan steps")), "<table>", f"<tr>{head}</tr>"]
        out += [_step(record, incident, n, step) for n, step in enumerate(incident.steps, 1)]
        out.append("</table>")
    out += [tag("h4", _("Timeline")), *_entries(record, record.entries_of(incident.id))]
    report = _report(record, incident)
    return out + report[:-1] + _incident_duties(record, incident) + report[-1:]


def _step(record: ShiftRecord, incident, n: int, step) -> str:
    outcome = record.outcome(incident, step)
    late = duration_text(outcome.late_s) if outcome.late else ""
    cls = ' class="overdue"' if outcome.late else ""
    when = f"{_t(record, step.state_at, '%H:%M')} {h(step.state_by)}" if step.state_at else ""
    note = f"<br><i>{h(step.state_note)}</i>" if step.state_note else ""
    due = _t(record, step.due_at, "%H:%M") if step.due_at else ""
    return (
        f'<tr><td>{n}</td><td>{h(step.text_in(current_language()))}{note}</td><td class="when">{due}</td>'
        f"<td{cls}>{h(labels.step_outcome(outcome.label))}</td><td>{when}</td><td{cls}>{h(late)}</td></tr>"
    )


def _report(record: ShiftRecord, incident) -> list[str]:
    report = record.reports.get(incident.id)
    found = problems(report) if report else {}
    status = labels.report_status(report.status if report else "draft")
    missing = (
        (
            ' <span class="missing">'
            + h(
                _("missing or invalid: {fields}").format(
                    fields=", ".join(field_name(k) for k in found)
                )
            )
            + "</span>"
        )
        if found
        else ""
    )
    heading = h(_("Report ({status})").format(status=status))
    out = [f"<h4>{heading}{missing}</h4>", '<dl class="meta report">']
    for n, spec in enumerate(REPORT_FIELDS, 1):
        value = report.value(spec.key) if report else ""
        body = (
            f'<span class="note">{h(value, True)}</span>'
            if value.strip()
            else '<span class="missing">' + h(_("(missing)")) + "</span>"
        )
        out.append(f"<dt>{n}. {h(field_title(spec))}</dt><dd>{body}</dd>")
    return [*out, "</dl>", "</section>"]


def _list(lines: list[str]) -> list[str]:
    return (
        ["<ul>"] + [f"<li>{h(line)}</li>" for line in lines] + ["</ul>"]
        if lines
        else [tag("p", _("none"))]
    )


def _incident_duties(record: ShiftRecord, incident) -> list[str]:
    """Upward reports (required, made, versions sent) and the review with its corrective actions."""
    from command_console.data.exports import duties as d

    found = record.duties.get(incident.id)
    if found is None:
        return []
    out = [tag("h4", _("Upward reports")), *_list([d.due_line(record, due) for due in found.dues])]
    out += [tag("p", _("Reported:")), *_list([d.sent_line(record, sent) for sent in found.sent])]
    out += [tag("p", _("Report versions sent:"))] if found.versions else []
    for version in found.versions:
        head, *fields = d.version_lines(record, version)
        out += [tag("p", head), *(_list(fields) if fields else [])]
    if found.review or found.actions or not incident.is_open:
        out += [
            tag("h4", _("Review")),
            *_list(d.review_lines(found)),
            tag("p", _("Corrective actions:")),
            *_list([d.action_line(record, a) for a in found.actions]),
        ]
    return out


def _duty_sections(record: ShiftRecord) -> list[str]:
    from command_console.data.exports import duties as d

    out = []
    if record.open_actions:
        out += [
            tag("h2", _("Open corrective actions")),
            *_list([f"{a.incident_id}: {d.action_line(record, a)}" for a in record.open_actions]),
        ]
    if record.routines:
        out += [
            tag("h2", _("Routines done")),
            *_list(
                [
                    f"{_t(record, r.at, '%m-%d %H:%M')} {r.author}: {r.title}"
                    + (f" — {r.note}" if r.note else "")
                    for r in record.routines
                ]
            ),
        ]
    return out
