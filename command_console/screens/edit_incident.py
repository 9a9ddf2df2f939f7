"""Fix a mistaken incident from the console: severity, title, start time. Each changed
field is one `incident.set` op (the audit keeps the old value in the timeline); fields
left as they were write nothing. Enter saves, Esc closes without writing."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from command_console.core.errors import UserError
from command_console.core.incidents import Incident
from command_console.core.text import clean
from command_console.core.when import ACCEPTED, check_started_at, local, parse_when
from command_console.data import actions
from command_console.i18n import N_, _
from command_console.screens.saving import CANNOT_WRITE
from command_console.widgets.clean_input import CleanInput
from command_console.widgets.severity import SeverityPicker

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp


class EditIncidentScreen(ModalScreen[list[str] | None]):
    """Dismisses with the names of the fields changed (None: closed)."""

    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="edit_cancel")
    ]

    def __init__(self, incident: Incident, focus: str = "severity") -> None:
        super().__init__()
        self.incident = incident
        self.first_focus = focus
        self.saving = False

    def compose(self) -> ComposeResult:
        incident, zone = self.incident, self.app.config.zone
        with Vertical(id="dialog", classes="small"):
            yield Label(
                Content(
                    _("Edit {id} · Tab moves · Enter saves · Esc closes").format(id=incident.id)
                ),
                classes="dialog-title",
            )
            yield SeverityPicker(incident.severity, id="severity")
            yield CleanInput(
                clean(incident.title),
                placeholder=_("title"),
                id="edit-title",
                compact=True,
                select_on_focus=False,
            )
            yield CleanInput(
                local(incident.started_at, zone),
                id="edit-started",
                compact=True,
                select_on_focus=False,
                placeholder=_("started at ({accepted})").format(accepted=ACCEPTED),
            )
            yield Static("", id="error", classes="error")

    def on_mount(self) -> None:
        self.set_focus(
            self.query_one(
                {"title": "#edit-title", "started": "#edit-started"}.get(
                    self.first_focus, "#severity"
                )
            )
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.save()

    def key_enter(self) -> None:  # Enter on the severity picker saves too
        if isinstance(self.focused, SeverityPicker):
            self.save()

    def save(self) -> None:
        if self.saving:
            return
        incident, now, zone = self.incident, self.app.clock.now(), self.app.config.zone
        severity = self.query_one(SeverityPicker).value
        title = self.query_one("#edit-title", Input).value
        started_text = self.query_one("#edit-started", Input).value
        try:
            started = None
            if started_text.strip() != local(incident.started_at, zone):
                started = parse_when(started_text, now, zone, field=N_("started at"))
                check_started_at(started, now)
        except UserError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            return
        changes = []
        if severity != incident.severity:
            changes.append(
                (N_("severity"), lambda store: actions.set_severity(store, incident.id, severity))
            )
        if clean(title).strip() != clean(incident.title).strip():
            changes.append(
                (N_("title"), lambda store: actions.set_title(store, incident.id, title))
            )
        if started is not None:
            changes.append(
                (
                    N_("started at"),
                    lambda store: actions.set_started_at(store, incident.id, started),
                )
            )
        if not changes:
            self.dismiss([])
            return
        self.saving = True
        self.app.hold_keys()
        self.write(changes)

    @work(thread=True, exclusive=True, group="edit-incident")
    def write(self, changes) -> None:
        done = []
        try:
            for name, change in changes:
                change(self.app.store)
                done.append(name)
        except UserError as exc:
            self.app.call_from_thread(self.failed, str(exc), done)
            return
        except CANNOT_WRITE as exc:
            self.app.call_from_thread(
                self.failed, _("Not saved, try again: {error}").format(error=exc), done
            )
            return
        self.app.call_from_thread(self.finished, done)

    def finished(self, done: list[str]) -> None:
        self.dismiss(done)
        self.app.release_keys()

    def failed(self, message: str, done: list[str]) -> None:
        self.saving = False
        saved = (
            (" · " + _("saved: {fields}").format(fields=", ".join(_(f) for f in done)))
            if done
            else ""
        )
        self.query_one("#error", Static).update(Text(message + saved))
        self.app.release_keys()

    def action_cancel(self) -> None:
        self.dismiss(None)
