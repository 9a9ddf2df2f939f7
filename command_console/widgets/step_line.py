"""The line under the steps: the selected step in full (the table cuts long text), its
note, escalation mark and whom to call with the numbers, so nothing needs a wider pane."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from command_console.core.contacts import Contact
from command_console.core.incidents import Call, PlanStepRun
from command_console.core.text import clean
from command_console.i18n import _, current_language
from command_console.screens.alarms import call_order
from command_console.widgets import cells
from command_console.widgets.alarm_strip import who_text


def whom(step: PlanStepRun, contacts: list[Contact], calls: list[Call]) -> Text | None:
    """Whom to call for an open step with a role: the next contact and number, then the
    others in order."""
    if not (step.is_open and step.contact_role):
        return None
    line = who_text(step, contacts, calls)
    shown = line.plain
    others = [c for c in call_order(step, contacts) if c.name not in shown][:2]
    if others:
        line.append(
            " · "
            + _("then {names}").format(
                names=", ".join(
                    "{} {}".format(clean(c.name), clean(c.phones[0]) if c.phones else "")
                    for c in others
                )
            ),
            style="dim",
        )
    return line


def step_line(
    step: PlanStepRun | None, contacts: list[Contact], calls: list[Call], who_first: bool = False
) -> Text:
    """who_first: whom to call goes before the step's text (the one-line compact mode,
    where the text is in the steps table above and the number would be cut)."""
    line = Text(end="")
    if step is None:
        return line
    line.append(f"{step.position + 1}. ", style="bold")
    call = whom(step, contacts, calls)
    if call is not None and who_first:
        line.append_text(call)
        line.append(" · ")
    if step.escalate:
        line.append("⚑ " + _("escalate") + " ", style="bold white on #b3001b")
    line.append(clean(step.text_in(current_language())), style="bold")
    waiting = getattr(step, "waiting_for", "")  # plans with `after`: the step this one waits for
    if waiting:
        line.append(" · " + _("waiting for {step}").format(step=clean(waiting)), style="italic")
    if call is not None and not who_first:
        line.append(" · ")
        line.append_text(call)
    note = step.note_in(current_language())
    if note:
        line.append(" · " + _("note: {note}").format(note=clean(note)), style="italic")
    if not step.is_open:
        line.append(" · ")
        line.append_text(cells.step_who(step))
    return line


class StepLine(Static):
    """The step line, wrapped to its width in the lines it has (2, 1 in compact mode): what
    does not fit is cut with '…' on the last line, never leaving a '·' hanging where the
    note was cut off."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._last = ""
        self._text = Text(end="")
        self.who_first = False  # the screen sets it in compact mode (one line)

    def show(self, step: PlanStepRun | None, contacts: list[Contact], calls: list[Call]) -> None:
        text = step_line(step, contacts, calls, self.who_first)
        if text.plain != self._last:
            self._last = text.plain
            self._text = text
            self.refresh(layout=True)

    def render(self) -> Text:
        most = self.styles.max_height
        lines = int(most.value) if most is not None and most.cells is not None else 2
        return cells.fit_lines(self._text, self.content_size.width, lines, self.app.console)
