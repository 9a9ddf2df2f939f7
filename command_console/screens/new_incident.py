"""New incident: plan picker with fuzzy filter, severity defaulting from the plan, optional
title and optional "started at". Enter opens it (durably, in a worker); Esc cancels."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.cells import set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from command_console.core import labels
from command_console.core.errors import UserError
from command_console.core.incidents import Severity
from command_console.core.plans import Plan, format_duration
from command_console.core.text import clean
from command_console.core.when import ACCEPTED, check_started_at, parse_when
from command_console.data import actions
from command_console.i18n import N_, _, current_language
from command_console.widgets.cells import SEVERITY_STYLE
from command_console.widgets.clean_input import CleanInput
from command_console.widgets.severity import SeverityPicker

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp


def plan_option(plan: Plan) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    level = set_cell_size(labels.severity(plan.severity).upper(), 8)
    line.append(f" {level} ", style=SEVERITY_STYLE[plan.severity])
    # The chosen language's title first; the other beside it, dim (the filter matches both).
    chosen = plan.title_in(current_language())
    other = plan.title if chosen != plan.title else plan.title_zh
    line.append(f" {clean(chosen)}", style="bold")
    if other:
        line.append(f" {clean(other)}", style="dim" if chosen != plan.title else "")
    timed = [s.deadline_s for s in plan.steps if s.deadline_s]
    line.append(_("  {value} steps").format(value=len(plan.steps)), style="dim")
    if timed:
        line.append(
            _(" · first deadline {value}").format(value=format_duration(min(timed))), style="dim"
        )
    return line


def whole_words(plan: Plan, query: str) -> bool:
    """Every typed word is a whole word of the English title, or part of the Chinese one
    (Chinese has no spaces between words)."""
    words = re.findall(r"\w+", query.casefold())
    english = set(re.findall(r"\w+", plan.title.casefold()))
    return bool(words) and all(
        w in english or (plan.title_zh and w in plan.title_zh) for w in words
    )


def mentions(plan: Plan, query: str) -> bool:
    """The query appears word for word in the plan's summary or a step (either language):
    `停电` finds the power-outage plan (titled 断电) through its step 告知客户停电原因."""
    wanted = query.strip().casefold()
    texts = [plan.summary, plan.summary_zh or ""]
    texts += [t for step in plan.steps for t in (step.text, step.text_zh or "")]
    return bool(wanted) and any(wanted in t.casefold() for t in texts)


def rank_plans(plans: list[Plan], query: str) -> list[Plan]:
    """Whole-word matches first ("surge": every surge plan on top, the more severe plan
    first: missing it costs more), then fuzzy matches by score, then the plans whose text
    mentions the query (a word the titles do not use)."""
    if not query.strip():
        return plans
    matcher = Matcher(query.strip())
    scored = [
        (max(matcher.match(p.title), matcher.match(p.id), matcher.match(p.title_zh or "-")), p)
        for p in plans
    ]
    severities = list(Severity)
    ranked = []
    for score, plan in scored:
        whole = whole_words(plan, query)
        if whole or score > 0:
            ranked.append(
                (
                    (
                        not whole,
                        -severities.index(plan.severity) if whole else 0,
                        -score,
                        plan.title,
                    ),
                    plan,
                )
            )
    found = [plan for _key, plan in sorted(ranked, key=lambda entry: entry[0])]
    ids = {plan.id for plan in found}
    return found + [p for p in plans if p.id not in ids and mentions(p, query)]


TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}$")
CONFIRM_AGO = timedelta(hours=12)


class NewIncidentScreen(ModalScreen[str | None]):
    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
        Binding("down", "move(1)", N_("Next plan"), show=False),
        Binding("up", "move(-1)", N_("Previous plan"), show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(
                _("New incident · type to find a plan · Enter opens · Tab for more · Esc cancels"),
                classes="dialog-title",
            )
            yield CleanInput(placeholder=_("plan: power, system, fire, 断电 …"), id="plan-filter")
            yield OptionList(id="plan-list")
            yield SeverityPicker(id="severity")
            yield CleanInput(
                placeholder=_("title (optional: defaults to the plan title)"),
                id="title",
                compact=True,
            )
            yield CleanInput(
                placeholder=_("started at (optional: now; or {ACCEPTED})").format(
                    ACCEPTED=_(ACCEPTED)
                ),
                id="started",
                compact=True,
            )
            yield Checkbox(_("Drill (not a real incident)"), id="drill", compact=True)
            yield Static("", id="error", classes="error")

    def on_mount(self) -> None:
        self.confirmed_started = ""
        self.plans = self.app.workspace.plans.sorted()
        self.shown: list[Plan] = []
        self.refill("")
        self.set_focus(self.query_one("#plan-filter"))

    @property
    def plan(self) -> Plan | None:
        index = self.query_one(OptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def refill(self, query: str) -> None:
        options = self.query_one(OptionList)
        self.shown = rank_plans(self.plans, query)
        options.set_options([Option(plan_option(p), id=p.id) for p in self.shown])
        if self.shown:
            options.highlighted = 0
        self._default_severity()

    def _default_severity(self) -> None:
        picker = self.query_one(SeverityPicker)
        if self.plan is not None and not picker.touched:
            picker.value = self.plan.severity

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "plan-filter":
            self.refill(event.value)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._default_severity()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        plan = self.plan
        if plan is None:
            self.show_error(_("No plan matches: change the filter"))
            return
        started_text = self.query_one("#started", Input).value
        now, zone = self.app.clock.now(), self.app.config.zone
        try:
            started = (
                parse_when(started_text, now, zone, field=N_("started at"))
                if started_text.strip()
                else None
            )
            if started is not None:
                check_started_at(started, now)
        except UserError as exc:
            self.show_error(str(exc))
            return
        if started is not None and self._needs_confirming(started_text, started, now):
            return
        self.app.hold_keys()  # keys typed after Enter act on the new incident, once it is selected
        self.open(
            plan,
            self.query_one(SeverityPicker).value,
            self.query_one("#title", Input).value,
            started,
            self.query_one("#drill", Checkbox).value,
        )

    def _needs_confirming(self, text: str, started, now) -> bool:
        """A bare HH:MM that means more than CONFIRM_AGO ago (23:50 typed at 23:16 is
        yesterday) is said in full and needs a second Enter, not silently assumed."""
        ago = now - started
        if (
            not TIME_ONLY.match(text.strip())
            or ago <= CONFIRM_AGO
            or self.confirmed_started == text
        ):
            return False
        self.confirmed_started = text
        when = started.astimezone(self.app.config.zone).strftime("%Y-%m-%d %H:%M")
        hours, minutes = divmod(int(ago.total_seconds()) // 60, 60)
        self.show_error(
            _(
                "{text} means {when}, {h} h {m} min ago: Enter again to confirm, or type a date"
            ).format(text=text.strip(), when=when, h=hours, m=minutes)
        )
        return True

    def show_error(self, message: str) -> None:
        self.query_one("#error", Static).update(Text(message))

    @work(thread=True, exclusive=True, group="open")
    def open(self, plan, severity, title, started, drill: bool = False) -> None:
        try:
            incident_id = actions.open_incident(
                self.app.store,
                plan,
                severity=severity,
                title=title,
                started_at=started,
                drill=drill,
            )
        except UserError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.dismiss, incident_id)

    def failed(self, message: str) -> None:
        self.show_error(message)
        self.app.release_keys()
