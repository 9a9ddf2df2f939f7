"""Textual's own command-palette words (its system commands and the search placeholder),
marked here so they are shown in the chosen language like every other string."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand

from command_console.i18n import N_, _

SEARCH_PLACEHOLDER = N_("Search for commands…")
SYSTEM_WORDS = (  # what Textual 8's App.get_system_commands says
    N_("Bell"),
    N_("Ring the bell"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


def translated(commands: Iterable[SystemCommand]) -> Iterable[SystemCommand]:
    """Textual's system commands with their title and help in the chosen language."""
    for command in commands:
        yield command._replace(title=_(command.title), help=_(command.help))
