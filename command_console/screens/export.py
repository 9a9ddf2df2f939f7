"""Export the shift report: every format (Markdown, HTML, CSV, JSON) in one action, into
the reports folder (default `<data dir>/reports/`), written privately and atomically in a
worker; the folder and files are named on the main screen after writing. Esc closes.
After a handover the window is the shift just handed over, not the new empty one."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from command_console.core.errors import UserError
from command_console.i18n import N_, _
from command_console.screens.saving import CANNOT_WRITE
from command_console.widgets.clean_input import CleanInput

FORMATS = ("md", "html", "csv", "json")


def reports_folder(workspace) -> Path:
    configured = getattr(
        workspace.config, "reports_dir", None
    )  # a config setting, where there is one
    return Path(configured).expanduser() if configured else workspace.paths.root / "reports"


class ExportScreen(ModalScreen[list[Path] | None]):
    """Dismisses with the written paths, or None when closed."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    #export-dialog { width: 80; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                     background: $surface; padding: 0 1; }
    #export-dialog .title { text-style: bold; width: 100%; }
    #export-dialog Input { width: 100%; margin-bottom: 1; }
    #export-error { color: $error; height: auto; }
    #export-buttons { height: 1; align: right middle; margin-top: 1; }
    #export-buttons Button { height: 1; min-width: 12; border: none; margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close"), id="export_close")
    ]

    class Written(Message):
        def __init__(self, paths: list[Path], error: str = "") -> None:
            super().__init__()
            self.paths, self.error = paths, error

    def __init__(self, workspace, folder: Path | None = None, window: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.folder = folder or reports_folder(workspace)
        self.window = window
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Label(
                _("Export the shift report: Markdown, HTML, CSV and JSON at once"), classes="title"
            )
            yield Label(_("Window: blank = this shift · previous · since 20:00 or 3h ago"))
            yield CleanInput(
                self.window,
                placeholder=_("the current shift"),
                id="export-window",
                compact=True,
                select_on_focus=False,
            )
            yield Label(_("Folder:"))
            yield CleanInput(
                str(self.folder), id="export-path", compact=True, select_on_focus=False
            )
            yield Checkbox(
                _("CSV: UTF-8 BOM for spreadsheet programs"), id="export-bom", compact=True
            )
            yield Static("", id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button(_("Export (Enter)"), id="export-go", variant="primary", compact=True)
                yield Button(_("Close (Esc)"), id="export-cancel", compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#export-window", Input)
        box.cursor_position = len(box.value)
        self.set_focus(box)

    @on(Input.Submitted, "#export-path")
    @on(Input.Submitted, "#export-window")
    @on(Button.Pressed, "#export-go")
    def submit(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one("#export-error", Static).update("")
        self.export(
            self.query_one("#export-path", Input).value,
            self.query_one("#export-bom", Checkbox).value,
            self.query_one("#export-window", Input).value,
        )

    @work(thread=True, exclusive=True, group="export")
    def export(self, target: str, bom: bool, window_text: str = "") -> None:
        from command_console.data import exports, shift
        from command_console.paths import ensure_private_dir

        try:
            if not target.strip():
                raise UserError(_("folder is empty; type one"))
            folder = Path(target.strip()).expanduser()
            if not folder.exists():
                ensure_private_dir(folder)
            if not folder.is_dir():
                raise UserError(_("{path} is not a folder").format(path=str(folder)))
            store, now = self.workspace.store, self.workspace.clock.now()
            window = shift.window_from_text(store, now, window_text, self.workspace.config.zone)
            record = exports.collect(store, exports.site_of(self.workspace.config), window, now)
            paths = [
                exports.write(record, fmt, folder, bom=bom and fmt == "csv") for fmt in FORMATS
            ]
        except UserError as exc:
            self.post_message(self.Written([], str(exc)))
            return
        except CANNOT_WRITE as exc:
            self.post_message(
                self.Written([], _("Not written, try again: {error}").format(error=exc))
            )
            return
        self.post_message(self.Written(paths))

    def on_export_screen_written(self, message: Written) -> None:
        self.saving = False
        if message.error:
            self.query_one("#export-error", Static).update(Text(message.error))
            return
        self.dismiss(message.paths)
        say = getattr(self.app, "say", None) or self.app.notify
        say(
            _("Exported {n} files (md, html, csv, json) to {folder}").format(
                n=len(message.paths), folder=str(message.paths[0].parent)
            )
        )

    @on(Button.Pressed, "#export-cancel")
    def action_close(self) -> None:
        self.dismiss(None)
