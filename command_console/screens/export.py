"""Export the shift report: pick a format and a path; the file is written (privately,
atomically) in a worker and the path is shown in a notification. Esc closes."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from command_console.core.errors import UserError
from command_console.widgets.clean_input import CleanInput

FORMAT_LABELS = (("md", "Markdown (terminal, print)"), ("html", "HTML (one page, prints, timeline)"),
                 ("csv", "CSV (timeline rows, spreadsheets)"), ("json", "JSON (complete, versioned)"))


class ExportScreen(ModalScreen[Path | None]):
    """Dismisses with the written path, or None when closed."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    #export-dialog { width: 80; max-width: 100%; height: auto; border: thick $accent; background: $surface;
                     padding: 0 1; }
    #export-dialog .title { text-style: bold; width: 100%; }
    #export-formats { width: 100%; height: auto; }
    #export-path { width: 100%; }
    #export-error { color: $error; height: auto; }
    #export-buttons { height: auto; align: right middle; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="export_close")]

    class Written(Message):
        def __init__(self, path: Path | None, error: str = "") -> None:
            super().__init__()
            self.path, self.error = path, error

    def __init__(self, workspace, folder: Path | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.folder = folder or Path.cwd()
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Label("Export the shift report", classes="title")
            yield Label("Window: blank = the current shift · previous · or since a time (20:00, 3h ago, 2026-11-21 20:00)")
            yield CleanInput("", placeholder="the current shift", id="export-window")
            with RadioSet(id="export-formats"):
                for n, (fmt, label) in enumerate(FORMAT_LABELS):
                    yield RadioButton(label, value=n == 0, id=f"export-{fmt}")
            yield Label("File (a folder gets the default name):")
            yield CleanInput(str(self.folder / self._suggested_name("md")), id="export-path")
            yield Checkbox("CSV: UTF-8 BOM for spreadsheet programs", id="export-bom")
            yield Static("", id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Export", id="export-go", variant="primary")
                yield Button("Close (Esc)", id="export-cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(RadioSet))

    def _suggested_name(self, fmt: str) -> str:
        """A suggested file name from the clock (no store read on the UI thread)."""
        stamp = self.workspace.clock.now().astimezone(self.workspace.config.zone).strftime("%Y%m%d-%H%M")
        return f"shift-{self.workspace.config.console_id}-{stamp}.{fmt}"

    @property
    def chosen_format(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id.removeprefix("export-") if pressed and pressed.id else "md"

    @on(RadioSet.Changed)
    def follow_format(self) -> None:
        """Keep the suggested file's extension in step with the format."""
        box = self.query_one("#export-path", Input)
        path = Path(box.value)
        if path.suffix.lstrip(".") in {f for f, _ in FORMAT_LABELS}:
            box.value = str(path.with_suffix("." + self.chosen_format))

    @on(Input.Submitted, "#export-path")
    @on(Input.Submitted, "#export-window")
    @on(Button.Pressed, "#export-go")
    def submit(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one("#export-error", Static).update("")
        self.export(self.chosen_format, self.query_one("#export-path", Input).value,
                    self.query_one("#export-bom", Checkbox).value, self.query_one("#export-window", Input).value)

    @work(thread=True, exclusive=True, group="export")
    def export(self, fmt: str, target: str, bom: bool, window_text: str = "") -> None:
        from command_console.data import exports, shift

        try:
            if not target.strip():
                raise UserError("file is empty; type a path")
            store, now = self.workspace.store, self.workspace.clock.now()
            window = shift.window_from_text(store, now, window_text, self.workspace.config.zone)
            record = exports.collect(store, exports.site_of(self.workspace.config), window, now)
            path = exports.write(record, fmt, Path(target.strip()), bom=bom and fmt == "csv")
        except UserError as exc:
            self.post_message(self.Written(None, str(exc)))
            return
        self.post_message(self.Written(path))

    def on_export_screen_written(self, message: Written) -> None:
        self.saving = False
        if message.error:
            self.query_one("#export-error", Static).update(Text(message.error))
            return
        self.app.notify(f"Exported to {message.path}", title="Export", markup=False)
        self.dismiss(message.path)

    @on(Button.Pressed, "#export-cancel")
    def action_close(self) -> None:
        self.dismiss(None)
