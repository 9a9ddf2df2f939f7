"""An inline SVG picture of a shift: incidents as bars over the window, step deadlines
as ticks, overdue (or late) deadlines as red marks. No scripts, no external references."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from command_console.core import labels
from command_console.core.text import pad
from command_console.data.exports.record import ShiftRecord, safe
from command_console.i18n import _, current_language

WIDTH, LABEL_W, RIGHT_PAD, ROW_H, TOP = 900, 250, 20, 24, 36
SEVERITY_FILL = {
    "general": "#7fa7d9",
    "serious": "#e0b040",
    "major": "#e07b39",
    "critical": "#c8322d",
}
TICK_STEPS = [timedelta(minutes=m) for m in (5, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)]


def _x_text(text: str) -> str:
    return escape(safe(text))


def _x(record: ShiftRecord, instant: datetime) -> float:
    w = record.window
    span = max((w.until - w.since).total_seconds(), 1.0)
    offset = min(max((instant - w.since).total_seconds(), 0.0), span)
    return round(LABEL_W + offset / span * (WIDTH - LABEL_W - RIGHT_PAD), 1)


def _ticks(record: ShiftRecord) -> list[datetime]:
    w = record.window
    span = w.until - w.since
    step = next((s for s in TICK_STEPS if span / s <= 12), TICK_STEPS[-1])
    local = w.since.astimezone(record.zone).replace(minute=0, second=0, microsecond=0)
    ticks: list[datetime] = []
    t = local
    while t <= w.until and len(ticks) < 40:
        if t >= w.since:
            ticks.append(t)
        t += step
    return ticks


def render(record: ShiftRecord) -> str:
    incidents = record.incidents
    height = TOP + max(len(incidents), 1) * ROW_H + 28
    title = _x_text(_("Shift timeline: incidents over the shift, step deadlines and overdue marks"))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="shift-svg-title" class="shift-timeline" font-family="sans-serif" font-size="12">',
        f'<title id="shift-svg-title">{title}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    bottom = TOP + max(len(incidents), 1) * ROW_H
    for tick in _ticks(record):
        x = _x(record, tick)
        out.append(f'<line x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{bottom}" stroke="#dddddd"/>')
        out.append(
            f'<text x="{x}" y="{TOP - 10}" text-anchor="middle" fill="#444">{tick.strftime("%H:%M")}</text>'
        )
    for row, incident in enumerate(incidents):
        y = TOP + row * ROW_H
        label = pad(f"{safe(incident.id)} {safe(incident.title)}", 36).rstrip()
        out.append(f'<text x="4" y="{y + 15}" fill="#111">{escape(label)}</text>')
        start = max(incident.started_at, record.window.since)
        end = min(incident.resolved_at or record.window.until, record.window.until)
        x0, x1 = _x(record, start), _x(record, end)
        fill = SEVERITY_FILL.get(labels.raw(incident.severity), "#999")
        out.append(
            f'<rect class="bar" x="{x0}" y="{y + 4}" width="{max(x1 - x0, 2)}" height="{ROW_H - 8}" '
            f'rx="2" fill="{fill}"><title>{escape(safe(incident.id))}: {escape(safe(incident.title))} '
            f"({_x_text(labels.severity(incident.severity))}, {_x_text(labels.status(incident.status))})"
            "</title></rect>"
        )
        for step in incident.steps:
            if step.due_at is None or not record.window.covers(step.due_at):
                continue
            x = _x(record, step.due_at)
            outcome = record.outcome(incident, step)
            tip = _x_text(
                _("{step}: due {time}, {outcome}").format(
                    step=safe(step.text_in(current_language())),
                    time=f"{step.due_at.astimezone(record.zone):%H:%M}",
                    outcome=labels.step_outcome(outcome.label),
                )
            )
            if outcome.late:
                out.append(
                    f'<path class="overdue" d="M{x - 5} {y + 2} L{x + 5} {y + 12} M{x + 5} {y + 2} '
                    f'L{x - 5} {y + 12}" stroke="#b00000" stroke-width="2.5"><title>{tip}</title></path>'
                )
            else:
                out.append(
                    f'<path class="deadline" d="M{x} {y + 1} L{x + 4} {y + 7} L{x} {y + 13} L{x - 4} {y + 7} Z" '
                    f'fill="#222"><title>{tip}</title></path>'
                )
    if not incidents:
        empty = _x_text(_("No incidents in this window"))
        out.append(f'<text x="{LABEL_W}" y="{TOP + 15}" fill="#666">{empty}</text>')
    legend_y = bottom + 18
    legend = _(
        "◆ step deadline    ✕ overdue or done late    "
        "bar colour: severity (blue general, yellow serious, orange major, red critical)"
    )
    out.append(f'<text x="4" y="{legend_y}" fill="#444">{_x_text(legend)}</text>')
    out.append("</svg>")
    return "\n".join(out)
