"""The duties screen (`d`): shift routines, upward reports owed and open corrective
actions, each with its countdown. One key does each duty: Enter logs the selected routine
as done now; p, w or m records that the selected upward report was made now by phone, in
writing or by message (to the role it is owed to; the report's fields as they stand are
frozen as the version sent). Esc closes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from command_console.core.contacts import role_label
from command_console.core.duties import via_label
from command_console.core.errors import UserError
from command_console.core.text import clean
from command_console.core.timers import format_countdown
from command_console.i18n import N_, _, current_language
from command_console.screens.saving import CANNOT_WRITE
from command_console.widgets.duty_strip import DutyState, read_state

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp

REFUSED: tuple[type[BaseException], ...] = (UserError, *CANNOT_WRITE)  # said in one line


def _countdown(due: datetime, now: datetime) -> str:
    seconds = int((due - now).total_seconds())
    return (_("LATE {countdown}") if seconds <= 0 else _("in {countdown}")).format(
        countdown=format_countdown(seconds)
    )


def duty_options(state: DutyState, now: datetime) -> list[Option]:
    language = current_language()
    options = [Option(Text(_("Routines (Enter: done now)"), style="bold"), disabled=True)]
    options += [
        Option(
            Text(
                f"  {_countdown(r.due_at, now):>14}  {clean(r.routine.title_in(language))}",
                style="bold red" if r.overdue(now) else "",
            ),
            id=f"routine:{r.routine.id}",
        )
        for r in state.routines
    ]
    options.append(
        Option(
            Text(_("Upward reports owed (p phone · w written · m message)"), style="bold"),
            disabled=True,
        )
    )
    options += [
        Option(
            Text(
                f"  {_countdown(d.due_at, now):>14}  {d.incident_id}  {role_label(d.role, language)}",
                style="bold red" if d.due_at <= now else "",
            ),
            id=f"upward:{d.incident_id}:{d.role}",
        )
        for d in state.upward
    ]
    options.append(
        Option(
            Text(_("Open corrective actions (c: close with a note)"), style="bold"),
            disabled=True,
        )
    )
    options += [
        Option(
            Text(
                f"  {_countdown(a.due_at, now):>14}  {a.incident_id}  {clean(a.owner)}: {clean(a.text)}",
                style="bold red" if a.overdue(now) else "",
            ),
            id=f"action:{a.id}",
        )
        for a in state.actions
    ]
    return options


class DutiesScreen(ModalScreen[None]):
    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="duties_close"),
        Binding(
            "enter",
            "routine_done",
            N_("Done"),
            id="routine_done",
            tooltip=N_("Log the selected routine as done now"),
        ),
        Binding(
            "p",
            "told('phone')",
            N_("Told by phone"),
            id="told_phone",
            tooltip=N_("Upward report made now by phone"),
        ),
        Binding(
            "w",
            "told('written')",
            N_("Told in writing"),
            id="told_written",
            tooltip=N_("Upward report made now in writing"),
        ),
        Binding(
            "m",
            "told('message')",
            N_("Told by message"),
            id="told_message",
            tooltip=N_("Upward report made now by message"),
        ),
        Binding(
            "c",
            "close_action",
            N_("Close action"),
            id="close_action",
            tooltip=N_(
                "Close the selected corrective action with a note (who and when are recorded)"
            ),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state = DutyState()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Duties · Esc closes"), classes="dialog-title")
            yield OptionList(id="duties")
            yield Static("", id="error", classes="error")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="duties-screen")
    def load(self) -> None:
        state = read_state(self.app.store, self.app.clock.now())
        self.app.call_from_thread(self.show, state)

    def show(self, state: DutyState) -> None:
        self.state = state
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(duty_options(state, self.app.clock.now()))
        first = next((n for n, option in enumerate(listing.options) if not option.disabled), None)
        listing.highlighted = (
            highlighted if highlighted is not None and highlighted < listing.option_count else first
        )

    @property
    def selected(self) -> str:
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return ""
        return listing.get_option_at_index(listing.highlighted).id or ""

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_routine_done()

    def action_routine_done(self) -> None:
        kind, _sep, key = self.selected.partition(":")
        if kind != "routine":
            self.query_one("#error", Static).update(_("Select a routine first"))
            return
        routine = next(r.routine for r in self.state.routines if r.routine.id == key)
        title = clean(routine.title_in(current_language()))

        def done(store) -> str:
            from command_console.data import actions_duties

            actions_duties.routine_done(store, routine)
            return _("Logged: {routine} done at {time}").format(
                routine=title, time=self._now_local(store)
            )

        self.write(done)

    def action_told(self, via: str) -> None:
        kind, _sep, key = self.selected.partition(":")
        if kind != "upward":
            self.query_one("#error", Static).update(_("Select an upward report first"))
            return
        incident_id, role = key.split(":", 1)
        to = role_label(role, current_language())

        def told(store) -> str:
            from command_console.data import actions_duties

            actions_duties.report_sent(store, incident_id, to, via, role=role)
            # The row leaves the list: this line says what was just recorded, and where.
            return _("Logged: {to} told {via} at {time} ({id})").format(
                to=to, via=via_label(via), time=self._now_local(store), id=incident_id
            )

        self.write(told)

    def _now_local(self, store) -> str:
        return f"{store.clock.now().astimezone(self.app.config.zone):%H:%M}"

    def action_close_action(self) -> None:
        from command_console.screens.close_action import CloseActionScreen

        kind, _sep, key = self.selected.partition(":")
        found = next((a for a in self.state.actions if a.id == key), None)
        if kind != "action" or found is None:
            self.query_one("#error", Static).update(_("Select a corrective action first"))
            return

        def noted(note: str | None) -> None:
            if note is None:
                return

            def close(store) -> str:
                from command_console.data import actions_duties

                op = actions_duties.close_action(store, found.id, note)
                return _("Corrective action closed by {who} at {time}: {text}").format(
                    who=clean(op.author),
                    time=self._now_local(store),
                    text=clean(found.text),
                )

            self.write(close)

        self.app.push_screen(CloseActionScreen(found), noted)

    @work(thread=True, exclusive=True, group="duties-write")
    def write(self, change) -> None:
        try:
            said = change(self.app.store)
        except REFUSED as exc:
            self.app.call_from_thread(self.query_one("#error", Static).update, Text(str(exc)))
            return
        self.app.call_from_thread(self.written, said)

    def written(self, said: str | None = None) -> None:
        self.query_one("#error", Static).update(Text(said) if said else "")
        self.app.store_changed()  # every screen reloads: this list, the strips, the timeline

    def action_close(self) -> None:
        self.dismiss(None)
