"""? help: every binding with its current key (after the user's keymap) and what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from command_console.i18n import N_, _

SECTIONS = (
    (N_("Main screen"), "command_console.screens.main", "MainScreen"),
    (N_("Roster (when focused)"), "command_console.widgets.roster", "RosterTable"),
    (N_("Report form"), "command_console.screens.report", "ReportScreen"),
    (N_("Incident detail"), "command_console.screens.detail", "DetailScreen"),
    (N_("Board"), "command_console.screens.board", "BoardScreen"),
    (N_("Everywhere"), "command_console.app", "CommandConsoleApp"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "app.pop_screen", N_("Close"), id="help_close")
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Label(
                _("Keys · Esc closes · ctrl+p: command palette reaches every action"),
                classes="dialog-title",
            )
            yield Static(self.table(), id="help-table")

    def table(self) -> Table:
        import importlib

        keymap = getattr(self.app, "_keymap", {})
        table = Table(box=None, expand=True, show_header=True, padding=(0, 2))
        # Chinese has no spaces to wrap at: a long description folds (by default it would be
        # cut with an ellipsis at 80 columns), and so does a long section name.
        table.add_column(_("Key"), style="bold", width=14, overflow="fold")
        table.add_column(_("Action"), overflow="fold")
        table.add_column(_("Binding id (config.toml keymap)"), style="dim", overflow="fold")
        for title, module, name in SECTIONS:
            table.add_row(Text(_(title), style="bold underline"), "", "")
            for binding in getattr(importlib.import_module(module), name).BINDINGS:
                if not isinstance(binding, Binding):
                    continue
                keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
                shown = ", ".join(
                    self.app.get_key_display(Binding(k.strip(), "")) for k in keys.split(",")
                )
                table.add_row(
                    Text(shown),
                    Text(_(binding.tooltip or binding.description)),
                    Text(binding.id or ""),
                )
        return table
