"""Calling from the main screen: `c` to the roster with the cursor on whom to call now,
`y` copies that number, Enter 1/2 on a roster row logs the call on the incident. Whom to
call is what the alarm strip and the step line name (screens/alarms.advise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.widgets import Input

from command_console.core import labels
from command_console.core.text import clean
from command_console.data import actions
from command_console.i18n import _
from command_console.screens.alarms import advise
from command_console.widgets.roster import RosterTable

if TYPE_CHECKING:
    from textual import getters
    from textual.screen import Screen as _Screen

    from command_console.app import CommandConsoleApp
    from command_console.core.contacts import Contact
    from command_console.core.incidents import Call, Incident
    from command_console.widgets.roster import Roster
    from command_console.widgets.steps import StepTable
else:
    _Screen = object  # a mixin; typed as the screen it goes into


class CallActions(_Screen):
    """Mixed into MainScreen (uses its incident, steps, roster, contacts, calls and write)."""

    if TYPE_CHECKING:  # what the screen provides
        app = getters.app(CommandConsoleApp)

        @property
        def incident(self) -> Incident | None: ...
        @property
        def steps(self) -> StepTable: ...
        @property
        def roster(self) -> Roster: ...
        @property
        def everyone(self) -> list[Contact]: ...

        calls: list[Call]

        def write(self, change: Callable[[], object], success: str = "") -> None: ...
        def say(self, text: str, *, warning: bool = False) -> None: ...

    def on_roster_table_call_attempt(self, message: RosterTable.CallAttempt) -> None:
        incident = self.incident
        if incident is None:
            self.app.refuse(_("Select an incident first: the call is logged on its timeline"))
            return
        row, store = message.row, self.app.store
        role = (
            self.roster.role
            if self.roster.role in row.contact.roles
            else next(iter(row.contact.roles), "")
        )
        self.write(
            lambda: actions.log_call(
                store, incident.id, row.contact, row.phone, message.outcome, role
            ),
            _("Logged: call {name} {outcome} → {id}").format(
                name=clean(row.contact.name),
                outcome=labels.call_outcome(message.outcome),
                id=incident.id,
            ),
        )

    def action_roster(self) -> None:
        """To the roster filter, the list's cursor on the contact the alarm strip and the
        step line say to call now: the first, or after 'no answer' the next (`c Enter 1`
        logs a call to that person, never to the row selected before)."""
        self.add_class("roster-open")
        # A filter typed earlier (for another step) would hide this step's first contact and
        # leave the cursor on whoever it matched: each `c` starts from the step's contacts.
        self.roster.query_one("#roster-filter", Input).value = ""
        self.roster.put_cursor_on(self.contact_to_call())
        self.set_focus(self.query_one("#roster-filter"))  # now, not later: the next key is for it

    def on_descendant_focus(self) -> None:
        if self.focused is None or self.roster not in self.focused.ancestors_with_self:
            self.remove_class("roster-open")  # compact mode shows the steps again

    def contact_to_call(self) -> Contact | None:
        """The contact the alarm strip and the step line name for the selected step: the
        first to call, after 'no answer' the next, after 'reached' the one reached."""
        step = self.steps.selected_step
        if step is None or not step.contact_role:
            return None
        advice = advise(step, self.everyone, self.calls)
        return advice.next_contact or advice.reached

    def number_to_copy(self) -> tuple[str, str] | None:
        """(number, name) for `y`: in the roster the selected row's; elsewhere the number of
        the contact the strip names (after 'no answer' the next one, not the first)."""
        focused = self.focused
        if focused is None or self.roster not in focused.ancestors_with_self:
            contact = self.contact_to_call()
            if contact is not None and contact.phones:
                return contact.phones[0], contact.name
        row = self.roster.table.selected
        return (row.phone, row.contact.name) if row is not None and row.phone else None

    def action_copy_number(self) -> None:
        found = self.number_to_copy()
        if found is not None:
            phone, name = found
            self.app.copy_to_clipboard(phone)
            self.say(_("Copied {phone} ({name})").format(phone=phone, name=clean(name)))
