"""Cell renderers shared by the tables: user text always goes through clean() into Text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from command_console.core import labels
from command_console.core.contacts import role_label
from command_console.core.incidents import Incident, PlanStepRun, Severity, Status, StepState
from command_console.core.text import clean, cut_length
from command_console.core.timers import format_countdown, next_deadline, seconds_until
from command_console.i18n import _, current_language

SEVERITY_STYLE = {
    Severity.GENERAL: "bold black on #8fbc8f",
    Severity.SERIOUS: "bold black on #e5c07b",
    Severity.MAJOR: "bold white on #d16d2b",
    Severity.CRITICAL: "bold white on #b3001b",
}
ALARM = "bold white on #c00000"
LATE = "bold #ff5f5f"
DONE = "#7fbf7f"
SKIPPED = "#a0a0a0"
STATUS_STYLE = {
    Status.ACTIVE: "bold",
    Status.CONTAINED: "#e5c07b",
    Status.RESOLVED: "dim",
    Status.CANCELLED: "dim strike",
}


def user(text: str, style: str = "") -> Text:
    """User-typed text as a literal, single-line Text: markup and escapes never act."""
    return Text(clean(text), style=style, no_wrap=True, overflow="ellipsis", end="")


def ellipsize(text: Text, width: int) -> Text:
    """At most `width` cells: a longer text is cut with '…' (its styles kept), never right
    after a separator or a space ('部门负责人, …', '· …'); see core.text.cut_length."""
    if cell_len(text.plain) <= width:
        return text
    if width < 1:
        return text[:0]
    keep = cut_length(text.plain, width, cell_len)
    mark = text[keep : keep + 1]  # the '…' stands where the cut text goes on, in its style
    mark.plain = "…"
    cut = text[:keep]
    cut.append_text(mark)
    return cut


def fit_lines(text: Text, width: int, lines: int, console: Console) -> Text:
    """The text wrapped to `width` cells in at most `lines` lines (a run with no space wider
    than a line folds). What does not fit is cut from the last line with '…', so the cut
    never ends in a separator left hanging before the part that did not fit."""
    if width < 1 or lines < 1:
        return text
    wrapped = text.wrap(console, width, overflow="fold")
    if len(wrapped) <= lines:
        return Text("\n", end="").join(wrapped)
    head = list(wrapped)[: lines - 1]
    rest = text[sum(len(line.plain) for line in head) :]  # a wrapped line may lose end spaces
    rest = rest[len(rest.plain) - len(rest.plain.lstrip()) :]
    return Text("\n", end="").join([*head, ellipsize(rest, width)])


def severity(sev: Severity) -> Text:
    word = labels.severity(sev)
    word = word.upper() if word.isascii() else word  # 特别重大 is 8 cells wide, like CRITICAL
    return Text(
        f" {word}{' ' * max(0, 8 - cell_len(word))} ", style=SEVERITY_STYLE[sev], no_wrap=True
    )


def status(st: Status) -> Text:
    return Text(labels.status(st), style=STATUS_STYLE.get(st, ""))


def countdown(step: PlanStepRun | None, now: datetime) -> Text:
    """mm:ss to the deadline, '+mm:ss' in alarm style once late (acknowledged: late style)."""
    if step is None or step.due_at is None or not step.is_open:
        return Text("")
    seconds = seconds_until(step.due_at, now)
    if seconds > 0:
        return Text(format_countdown(seconds), style="bold" if seconds <= 60 else "")
    return Text("+" + format_countdown(-seconds), style=LATE if step.acked_at else ALARM)


def next_cell(incident: Incident, now: datetime) -> Text:
    return countdown(next_deadline(incident), now) if incident.is_open else Text("")


def step_timer(step: PlanStepRun, now: datetime, zone: ZoneInfo) -> Text:
    if step.state == StepState.DONE:
        return Text(f"✓ {_hhmm(step.state_at, zone)}", style=DONE)
    if step.state == StepState.SKIPPED:
        return Text(f"– {_hhmm(step.state_at, zone)}", style=SKIPPED)
    return countdown(step, now)


def step_who(step: PlanStepRun) -> Text:
    if step.state == StepState.DONE:
        return user(step.state_by + (f": {step.state_note}" if step.state_note else ""), DONE)
    if step.state == StepState.SKIPPED:
        return user(
            _("skipped: {note} · {who}").format(note=step.state_note, who=step.state_by), SKIPPED
        )
    role = step.contact_role or ""
    return user(role_label(role, current_language()) if role else "", "italic")


def step_text(step: PlanStepRun, now: datetime) -> Text:
    text = user(step.text_in(current_language()))
    if step.is_open and step.due_at is not None and step.due_at <= now:
        text.stylize(LATE if step.acked_at else ALARM)
    elif not step.is_open:
        text.stylize(DONE if step.state == StepState.DONE else SKIPPED)
    return text


def _hhmm(instant: datetime | None, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%H:%M") if instant else "--:--"
