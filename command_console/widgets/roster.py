"""The contact roster: filter as you type, the selected step's first/second contact on top,
external emergency numbers always visible. Call attempts are posted as messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from command_console.core import labels
from command_console.core.contacts import EXTERNAL_ROLES, Contact, contacts_for_role, role_label
from command_console.core.incidents import CallOutcome
from command_console.i18n import N_, _, current_language
from command_console.widgets import cells
from command_console.widgets.clean_input import CleanInput
from command_console.widgets.keyed_table import KeyedTable

RANK_STYLE = {1: "bold black on #e5c07b", 2: "black on #c8b27a"}
FIXED = {"mark": 4, "role": 14, "phone": 17}
NAME_ROOM = 16  # a name keeps this much before the role column gives way


@dataclass(frozen=True)
class RosterRow:
    contact: Contact
    phone: str
    rank: int | None
    phone_index: int = 0  # 0: the contact's first number (the row with name and role)
    role: str = ""  # the role shown: the selected step's, if the contact has it


def role_names(row: RosterRow) -> str:
    """The role shown (or every role of the contact): the seeds' Chinese term in zh, the
    short role id in English (the long English names would not fit the column)."""
    language = current_language()
    roles = [row.role] if row.role else list(row.contact.roles)
    if not language.lower().startswith("zh"):
        return ", ".join(roles)
    return ", ".join(role_label(role, language) for role in roles)


def external_contacts(numbers: dict[str, str]) -> list[Contact]:
    return [
        Contact(f"ext-{role}", f"{labels.emergency_service(role)} {number}", {role: 1}, (number,))
        for role, number in numbers.items()
    ]


class RosterTable(KeyedTable):
    """One row per phone number; row key = position, contact and number."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1",
            "call('reached')",
            N_("Reached"),
            id="call_reached",
            tooltip=N_("Log a call to the selected contact: reached"),
        ),
        Binding(
            "2",
            "call('no answer')",
            N_("No answer"),
            id="call_no_answer",
            tooltip=N_("Log a call to the selected contact: no answer"),
        ),
        Binding(
            "3",
            "call('left message')",
            N_("Left msg"),
            id="call_left_message",
            tooltip=N_("Log a call to the selected contact: left a message"),
        ),
    ]

    class CallAttempt(Message):
        def __init__(self, row: RosterRow, outcome: CallOutcome) -> None:
            super().__init__()
            self.row, self.outcome = row, outcome

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.by_key: dict[str, RosterRow] = {}

    def on_mount(self) -> None:
        for key, label in (
            ("mark", ""),
            ("name", _("Name")),
            ("role", _("Role")),
            ("phone", _("Phone")),
        ):
            self.add_column(label, key=key, width=FIXED.get(key, 10))

    def on_resize(self) -> None:
        """The phone column keeps its full width; role, then name, give way in a narrow pane."""
        if not self.columns:
            return
        rest = self.size.width - 2 - 2 * 4 - FIXED["mark"] - FIXED["phone"]  # scrollbar, padding
        role = max(0, min(FIXED["role"], rest - NAME_ROOM))
        role = role if role >= 6 else 0  # no room: the step's line names the role
        self.set_widths({"name": max(8, rest - role), "role": role})

    @property
    def selected(self) -> RosterRow | None:
        key = self.cursor_key
        return self.by_key.get(key) if key is not None else None

    def show(self, rows: list[RosterRow], cursor_on: str | None = None) -> None:
        """Replace the rows; the cursor goes to the first number of contact `cursor_on`,
        else stays on the same number if it is still shown."""
        keep = self.selected
        self.by_key = {
            f"{index}:{row.contact.id}:{row.phone}": row for index, row in enumerate(rows)
        }
        cursor_key = next(iter(self.by_key), None)  # else the best match, on top
        if cursor_on is not None:
            cursor_key = next(
                (key for key, row in self.by_key.items() if row.contact.id == cursor_on), cursor_key
            )
        elif keep is not None:
            cursor_key = next(
                (
                    key
                    for key, row in self.by_key.items()
                    if (row.contact.id, row.phone) == (keep.contact.id, keep.phone)
                ),
                cursor_key,
            )
        self.set_rows(
            [(key, self._cells(row)) for key, row in self.by_key.items()], cursor_key=cursor_key
        )

    @staticmethod
    def _cells(row: RosterRow) -> dict[str, Text]:
        if row.phone_index:  # another number of the contact on the row above
            return {"name": Text("  ↳", style="dim"), "phone": cells.user(row.phone)}
        off = not row.contact.on_duty
        name_style = "dim" if off else ("bold" if row.rank else "")
        mark = (
            Text(_("off"), style="italic dim")
            if off
            else Text(
                {1: _("1st"), 2: _("2nd")}.get(row.rank or 0, ""),
                style=RANK_STYLE.get(row.rank or 0, ""),
            )
        )
        if off and row.rank:
            mark = Text({1: _("1st"), 2: _("2nd")}.get(row.rank, ""), style="italic dim")
        name = cells.user(row.contact.name, name_style)
        if off:
            name.append(" " + _("(off duty)"), style="italic dim")
        return {
            "mark": mark,
            "name": name,
            "role": cells.user(role_names(row), "italic"),
            "phone": cells.user(row.phone, "dim" if off else ""),
        }

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "call":
            return True if self.selected is not None else None
        return True

    def action_call(self, outcome: str) -> None:
        if self.selected is not None:
            self.post_message(self.CallAttempt(self.selected, CallOutcome(outcome)))


def emergency_line(numbers: dict[str, str], width: int) -> Text:
    """'☎  119  fire   110  police   120  ambulance' in `width` cells: the spaces between
    the services give way first (a name then follows its number's badge directly), then the
    end is cut with '…'. A service never keeps its number and silently loses its name, as
    'ambulance' did at 80 columns."""
    line = Text()
    for between, before_name in (("  ", " "), (" ", " "), (" ", "")):
        line = Text("☎ ", style="bold", no_wrap=True, end="")
        for n, (role, number) in enumerate(numbers.items()):
            line.append(between if n else "")
            line.append(f" {number} ", style="bold white on #b3001b")
            line.append(before_name + labels.emergency_service(role))
        if line.cell_len <= width:
            return line
    return cells.ellipsize(line, width)


class EmergencyLine(Static):
    """The external emergency numbers, always whole where the pane allows (see emergency_line)."""

    def __init__(self, numbers: dict[str, str], **kwargs) -> None:
        super().__init__("", **kwargs)
        self.numbers = numbers

    def render(self) -> Text:
        return emergency_line(self.numbers, self.content_size.width)


class Roster(Vertical):
    """Filter input, contact table, emergency numbers line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "back",
            N_("Back to the steps"),
            id="roster_back",
            show=False,
            tooltip=N_("Leave the roster: back to the steps"),
        )
    ]

    def action_back(self) -> None:
        steps = self.screen.query("#steps")
        if steps:
            self.screen.set_focus(steps.first())  # now, not later: the next key is for the steps

    def __init__(self, emergency_numbers: dict[str, str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.numbers = emergency_numbers
        self.contacts: list[Contact] = []
        self.role: str | None = None
        self._cursor_on: str | None = None

    def compose(self) -> ComposeResult:
        yield CleanInput(placeholder=_("filter contacts…"), id="roster-filter", compact=True)
        yield RosterTable(id="roster-table")
        yield EmergencyLine(self.numbers, id="emergency-line")

    @property
    def table(self) -> RosterTable:
        return self.query_one(RosterTable)

    def set_contacts(self, contacts: list[Contact]) -> None:
        self.contacts = contacts
        self.refill()

    def highlight_role(self, role: str | None) -> None:
        """Another step's role: its contacts go on top, the cursor on the first to call."""
        if role != self.role:
            self.role = role
            ranked = (
                sorted(contacts_for_role(self.contacts, role), key=lambda c: not c.on_duty)
                if role
                else []
            )
            self.put_cursor_on(ranked[0] if ranked else None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.set_focus(self.table)  # now, not later: a call key typed next is for the list

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refill()

    def put_cursor_on(self, contact: Contact | None) -> None:
        """The list's cursor goes to this contact's first number (kept while filtering)."""
        self._cursor_on = contact.id if contact is not None else None
        self.refill()
        self._cursor_on = None

    def refill(self) -> None:
        """The step's contacts first (1st, 2nd), then everybody else; within each group
        people on duty before people off duty; emergency services last."""
        query = self.query_one(Input).value
        everyone = self.contacts + external_contacts(self.numbers)
        ranked = contacts_for_role(everyone, self.role) if self.role else []
        ranked.sort(key=lambda c: not c.on_duty)
        first_ids = {c.id for c in ranked}
        rest = [
            c for c in everyone if c.id not in first_ids and not set(c.roles) & set(EXTERNAL_ROLES)
        ]
        ordered = ranked + sorted(rest, key=lambda c: not c.on_duty)
        ordered += [
            c for c in everyone if c.id not in first_ids and set(c.roles) & set(EXTERNAL_ROLES)
        ]
        rows = [
            RosterRow(
                c,
                phone,
                c.rank_for(self.role) if self.role else None,
                n,
                self.role if self.role in c.roles else "",
            )
            for c in ordered
            if c.matches(query)
            for n, phone in enumerate(c.phones or ("",))
        ]
        self.table.show(rows, cursor_on=self._cursor_on)
