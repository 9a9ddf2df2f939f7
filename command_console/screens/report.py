"""The seven-field report form. Prefilled where the console knows the answer; every
keystroke goes to a durable draft file; fields reach the store debounced and on leaving;
"mark complete" names each missing or invalid field."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static, TextArea

from command_console.core import labels
from command_console.core.errors import UserError
from command_console.core.incidents import EntryKind, StepState
from command_console.core.report import (
    REPORT_FIELDS,
    PrefillContext,
    Report,
    ReportStatus,
    field_title,
    prefill,
    problems,
)
from command_console.core.text import clean
from command_console.core.when import local
from command_console.data import actions, queries
from command_console.data.drafts import DraftStore
from command_console.i18n import N_, _, current_language, ngettext
from command_console.screens.saving import CANNOT_WRITE
from command_console.widgets.clean_input import CleanInput
from command_console.widgets.clean_text_area import CleanTextArea
from command_console.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual import getters

    from command_console.app import CommandConsoleApp

DEBOUNCE_S = 1.0


def prefill_context(workspace, incident, entries) -> PrefillContext:
    zone = workspace.config.zone
    done = [
        (s.state_at, f"{s.text_in(current_language())} ({s.state_by})")
        for s in incident.steps
        if s.state == StepState.DONE and s.state_at is not None
    ]
    logged = [(e.at, e.text) for e in entries if e.kind in (EntryKind.NOTE, EntryKind.CALL)]
    # One list in the order things happened (steps done and calls made interleave).
    measures = [
        f"{local(at, zone, '%H:%M')} {text}"
        for at, text in sorted(done + logged, key=lambda pair: pair[0])
    ]
    return PrefillContext(
        site=workspace.config.site,
        occurred_at_local=local(incident.started_at, zone),
        incident_type=f"{incident.plan_title} ({labels.severity_both(incident.severity)})",
        measures=measures,
    )


class ReportScreen(Screen[None]):
    if TYPE_CHECKING:  # the app it runs in, with its store, clock and config (as Textual types it)
        app = getters.app(CommandConsoleApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", N_("Save & close"), id="report_close"),
        Binding("ctrl+s", "save", N_("Save"), id="report_save"),
        Binding("ctrl+o", "complete", N_("Mark complete"), id="report_complete"),
    ]

    class Loaded(Message):
        def __init__(
            self, title: str, values: dict[str, str], stored: Report, draft: dict[str, str]
        ) -> None:
            super().__init__()
            self.title, self.values, self.stored, self.draft = title, values, stored, draft

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.values: dict[str, str] = {}
        self.touched: dict[str, str] = {}  # field -> value typed but maybe not yet in the store
        self.ready = False
        self.problem_note = ""
        self._flush_timer: Timer | None = None
        self._write_lock = threading.Lock()

    @property
    def drafts(self) -> DraftStore:
        return self.app.drafts

    def compose(self) -> ComposeResult:
        yield Static("", id="report-title")
        with VerticalScroll(id="report-body"):
            for number, spec in enumerate(REPORT_FIELDS, 1):
                with Vertical(classes="report-field", id=f"block-{spec.key}"):
                    label = Text(f"{number}. {field_title(spec)}", style="bold")
                    label.append(f"  {_(spec.hint)}", style="dim italic")
                    yield Label(label)
                    if spec.multiline:
                        yield CleanTextArea(
                            "", id=f"field-{spec.key}", soft_wrap=True, tab_behavior="focus"
                        )
                    else:
                        # Not selected on focus: the first key typed must not replace the prefill.
                        yield CleanInput(
                            "", id=f"field-{spec.key}", compact=True, select_on_focus=False
                        )
                    yield Static("", id=f"error-{spec.key}", classes="error")
            yield Button(_("Mark complete (ctrl+o)"), id="complete", variant="primary")
        yield KeyFooter()  # translates the key descriptions (Textual's Footer shows them as written)

    def on_mount(self) -> None:
        for widget in self.query("Input, TextArea"):
            widget.disabled = True
        self.load()

    @work(thread=True, exclusive=True, group="report-load")
    def load(self) -> None:
        store, workspace = self.app.store, self.app.workspace
        incident = queries.get_incident(store, self.incident_id)
        report = queries.get_report(store, self.incident_id)
        values = {spec.key: report.value(spec.key) for spec in REPORT_FIELDS}
        values.update(
            prefill(
                report,
                prefill_context(
                    workspace,
                    incident,
                    queries.timeline(store, self.incident_id, zone=workspace.config.zone),
                ),
            )
        )
        draft = self.drafts.load(self.incident_id)
        values.update(draft)
        self.post_message(self.Loaded(clean(incident.title), values, report, draft))

    def on_report_screen_loaded(self, message: Loaded) -> None:
        if self.ready:  # the store changed while the form is open: only refresh the status line
            self.stored = message.stored
            self._show_title()
            return
        self.title_text, self.stored = message.title, message.stored
        self.values = dict(message.values)
        self.touched = {k: v for k, v in message.draft.items() if v != message.stored.value(k)}
        for spec in REPORT_FIELDS:
            widget = self.query_one(f"#field-{spec.key}")
            widget.disabled = False
            if isinstance(widget, TextArea):
                widget.load_text(self.values.get(spec.key, ""))
                widget.move_cursor(widget.document.end)
            elif isinstance(widget, Input):
                widget.value = self.values.get(spec.key, "")
                widget.cursor_position = len(widget.value)
        self.ready = True
        self._show_title()
        self.set_focus(self.query_one(f"#field-{REPORT_FIELDS[0].key}"))

    def _show_title(self) -> None:
        status = labels.report_status(self.stored.status) if self.ready else _("loading")
        # One line: the status and what needs attention before the incident's title, which
        # may be long (at 80 columns the title pushed '3 fields need attention' off).
        line = Text.assemble(
            (_("Report · "), "bold"),
            (self.incident_id, "bold"),
            _(" · status {status}").format(status=status),
            (self.problem_note, "bold red"),
            (
                _(" · {value} unsaved field(s) kept in draft").format(value=len(self.touched))
                if self.touched
                else "",
                "dim",
            ),
            (" · " + self.title_text, "bold"),
        )
        self.query_one("#report-title", Static).update(line)

    # -- every keystroke -----------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._changed(event.input.id, event.value)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._changed(event.text_area.id, event.text_area.text)

    def _changed(self, widget_id: str | None, value: str) -> None:
        if not self.ready or not widget_id or not widget_id.startswith("field-"):
            return
        key = widget_id.removeprefix("field-")
        if self.values.get(key) == value:
            return
        self.values[key] = value
        self.touched[key] = value
        self.save_draft(dict(self.touched), self.drafts.next_version())
        if self._flush_timer is not None:
            self._flush_timer.stop()
        self._flush_timer = self.set_timer(DEBOUNCE_S, self.action_save)

    @work(thread=True, group="draft")
    def save_draft(self, values: dict[str, str], version: int) -> None:
        self.drafts.save(self.incident_id, values, version)

    # -- to the store --------------------------------------------------------

    def _write(self, fields: dict[str, str]) -> dict[str, str]:
        """Store fields (worker thread); returns field -> error for those refused."""
        errors = {}
        with self._write_lock:
            for key, value in fields.items():
                try:
                    actions.set_report_field(self.app.store, self.incident_id, key, value)
                except UserError as exc:
                    errors[key] = str(exc)
                except (
                    CANNOT_WRITE
                ) as exc:  # disk full, locked: the text stays in the box and the draft
                    errors[key] = _("not saved, kept in the draft: {error}").format(error=exc)
        return errors

    def action_save(self) -> None:
        if self.ready and self.touched:
            self.save_fields(dict(self.touched), then="")

    def action_leave(self) -> None:
        if not self.ready:
            self.dismiss(None)
        elif self.touched:
            self.save_fields(dict(self.touched), then="leave")
        else:
            self.drafts.discard(self.incident_id)
            self.dismiss(None)

    def action_complete(self) -> None:
        if self.ready:
            self.save_fields(dict(self.values), then="complete")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "complete":
            self.action_complete()

    @work(thread=True, group="report-write")
    def save_fields(self, fields: dict[str, str], then: str) -> None:
        errors = self._write(fields)
        complete_error = ""
        if then == "complete" and not errors:
            try:
                actions.complete_report(self.app.store, self.incident_id)
            except UserError as exc:
                complete_error = str(exc)
        stored = queries.get_report(self.app.store, self.incident_id)
        self.app.call_from_thread(self._written, fields, errors, complete_error, stored, then)

    def _written(self, fields, errors, complete_error, stored: Report, then: str) -> None:
        self.stored = stored
        for key, value in fields.items():
            if key not in errors and self.touched.get(key) == value:
                del self.touched[key]
        if not self.touched:
            self.drafts.discard(self.incident_id)
        self.app.store_changed()
        found = dict(errors)
        if then == "complete":
            found.update(
                {k: v for k, v in problems(stored).items() if k not in found}
                if complete_error
                else {}
            )
        self.show_problems(found)
        if found:
            pass  # each field says what is wrong under it; the title line counts them
        elif then == "complete" and stored.status == ReportStatus.COMPLETE:
            self.app.clear_notifications()
            self.dismiss(None)
            self.app.say(_("Report of {id} marked complete and logged").format(id=self.incident_id))
        elif then == "leave":
            self.dismiss(None)
        else:
            self._show_title()

    def show_problems(self, found: dict[str, str]) -> None:
        for spec in REPORT_FIELDS:
            message = found.get(spec.key, "")
            self.query_one(f"#error-{spec.key}", Static).update(
                Content(f"⚠ {message}" if message else "")
            )
            self.query_one(f"#block-{spec.key}").set_class(bool(message), "-invalid")
        self.problem_note = (
            (
                " · "
                + ngettext(
                    "{n} field needs attention", "{n} fields need attention", len(found)
                ).format(n=len(found))
            )
            if found
            else ""
        )
        self._show_title()
        if found:
            first = next(spec.key for spec in REPORT_FIELDS if spec.key in found)
            self.set_focus(self.query_one(f"#field-{first}"))
