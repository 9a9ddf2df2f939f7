"""The alarm strip: every ringing alarm in one fixed place under the status line, most
overdue first — incident, how late, whom to call next and the number, the step. It follows
the call log: after "no answer" it names the next contact; after "reached" it offers `a`.
Toasts would cover the roster's numbers and vanish while the alarm still rings."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from command_console.core.contacts import Contact, role_label
from command_console.core.incidents import Call, Incident, PlanStepRun
from command_console.core.text import clean
from command_console.i18n import _, current_language, ngettext
from command_console.screens.alarms import advise, ringing
from command_console.widgets import cells

ALARM = "bold white on #c00000"


def who_text(step: PlanStepRun, contacts: list[Contact], calls: list[Call]) -> Text:
    advice = advise(step, contacts, calls)
    line = Text()
    if advice.reached is not None:
        line.append(_("reached {name}").format(name=clean(advice.reached.name)), style="bold green")
        line.append(" · " + _("a acknowledges"), style="bold")
        return line
    # Whom to call and the number first: on an 80-column strip the names already tried
    # come after it, so they are what gets cut, never the number to dial.
    contact = advice.next_contact
    if contact is not None:
        line.append(_("call {name}").format(name=clean(contact.name)) + " ", style="bold")
        line.append(clean(contact.phones[0]) if contact.phones else "", style="bold reverse")
        if not contact.on_duty:
            line.append(" " + _("(off duty)"), style="italic")
    elif step.contact_role:
        role = role_label(step.contact_role, current_language())  # '上级领导', not 'superior'
        line.append(_("no contact for {role}").format(role=role), style="bold")
    if advice.unanswered:
        line.append(
            " · "
            + _("no answer: {names}").format(names=", ".join(clean(n) for n in advice.unanswered)),
            style="italic",
        )
    return line


def alarm_line(
    incident: Incident, step: PlanStepRun, contacts: list[Contact], calls: list[Call], now: datetime
) -> Text:
    late = int((now - step.due_at).total_seconds()) if step.due_at else 0
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    line.append(f" ⏰ {incident.id} +{late // 60:02d}:{late % 60:02d} ", style=ALARM)
    line.append(" ")
    who = who_text(step, contacts, calls)  # empty for a step with nobody to call
    if who.plain:
        line.append_text(who)
        line.append(" · ")
    line.append(f"{step.position + 1}. ")
    line.append(clean(step.text_in(current_language())))
    line.append(" · " + clean(incident.title), style="dim")
    return line


class AlarmStrip(Static):
    """Hidden while nothing rings; `max_lines` alarms, then one line naming the rest."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.max_lines = 2
        self.count = 0
        self._last = ""
        self._text = Text(end="")

    def show(self, incidents, contacts: list[Contact], calls: list[Call], now: datetime) -> None:
        alarms = ringing(incidents, now)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        room = (
            self.max_lines
            if len(alarms) <= self.max_lines or self.max_lines == 1
            else self.max_lines - 1
        )
        for n, (incident, step) in enumerate(alarms[:room]):
            if n:
                text.append("\n")
            text.append_text(alarm_line(incident, step, contacts, calls, now))
        rest = alarms[room:]
        if rest and self.max_lines == 1:  # one line: the count goes on the end of it
            text.append(f" +{len(rest)}", style="bold red")
        elif rest:
            ids = ", ".join(sorted({i.id for i, _s in rest}))
            text.append(
                "\n"
                + ngettext(
                    " ⏰ {n} more alarm ringing: {ids}",
                    " ⏰ {n} more alarms ringing: {ids}",
                    len(rest),
                ).format(n=len(rest), ids=ids),
                style="bold red",
            )
        self.count = len(alarms)
        if text.plain != self._last:
            self._last = text.plain
            self._text = text
            self.display = bool(alarms)
            self.refresh(layout=True)

    def render(self) -> Text:
        """Each alarm on its line, cut with '…' to the strip's width (never right after a
        separator: 'Outage of 5 min or …' read as if a word were missing, not cut)."""
        width = self.content_size.width
        return Text("\n", end="").join(
            cells.ellipsize(line, width) for line in self._text.split("\n", allow_blank=True)
        )
