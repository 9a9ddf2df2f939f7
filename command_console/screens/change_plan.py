"""Change the plan of an incident (the lead picked the wrong one under pressure): type to
find the plan, Enter, then Enter again to confirm. The new plan's steps start fresh, timed
from now; the old plan's steps stay in the timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from command_console.core.incidents import Incident
from command_console.core.plans import Plan
from command_console.core.text import clean
from command_console.i18n import N_, _
from command_console.screens.new_incident import plan_option, rank_plans
from command_console.widgets.clean_input import CleanInput

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp


class ChangePlanScreen(ModalScreen[Plan | None]):
    """Dismisses with the plan chosen and confirmed (None: closed)."""

    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Cancel"), id="change_plan_close"),
        Binding("down", "move(1)", N_("Next plan"), show=False),
        Binding("up", "move(-1)", N_("Previous plan"), show=False),
    ]

    def __init__(self, incident: Incident) -> None:
        super().__init__()
        self.incident = incident
        self.confirming: str | None = None  # the plan a first Enter picked

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(
                Content(
                    _(
                        "Change the plan of {id} (now: {plan}) · type to find · Enter, then "
                        "Enter again · Esc"
                    ).format(id=self.incident.id, plan=clean(self.incident.plan_title))
                ),
                classes="dialog-title",
            )
            yield CleanInput(placeholder=_("plan: surge, fire, 断电 …"), id="plan-filter")
            yield OptionList(id="plan-list")
            yield Static("", id="error", classes="error")

    def on_mount(self) -> None:
        self.plans = [p for p in self.app.workspace.plans.sorted() if p.id != self.incident.plan_id]
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

    def on_input_changed(self, event: Input.Changed) -> None:
        self.confirming = None
        self.query_one("#error", Static).update("")
        self.refill(event.value)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.plan is not None and self.plan.id != self.confirming:
            self.confirming = None
            self.query_one("#error", Static).update("")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def submit(self) -> None:
        plan = self.plan
        if plan is None:
            self.query_one("#error", Static).update(Text(_("No plan matches: change the filter")))
            return
        if self.confirming == plan.id:
            self.dismiss(plan)
            return
        self.confirming = plan.id
        still_open = sum(1 for s in self.incident.steps if s.is_open)
        self.query_one("#error", Static).update(
            Text(
                _(
                    "Enter again to change to {plan}: its {n} steps start now; the {open} open "
                    "steps of {old} close (they stay in the timeline)"
                ).format(
                    plan=clean(plan.title),
                    n=len(plan.steps),
                    open=still_open,
                    old=clean(self.incident.plan_title),
                )
            )
        )

    def action_close(self) -> None:
        self.dismiss(None)
