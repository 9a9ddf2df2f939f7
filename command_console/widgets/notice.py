"""The notice line: one line under the panes for what just happened ("logged", "copied")
and why a key did nothing. Toasts would cover the roster's phone numbers."""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from command_console.core.text import clean

SHOW_S = 8.0


class NoticeLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._timer: Timer | None = None
        self.text = ""

    def show(self, text: str, *, warning: bool = False) -> None:
        self.text = clean(text)
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(
            " ! " if warning else " ✓ ",
            style="bold white on #b3001b" if warning else "bold black on #7fbf7f",
        )
        line.append(" " + self.text, style="bold" if warning else "")
        self.update(line)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SHOW_S, self.clear)

    def clear(self) -> None:
        self.text = ""
        self.update("")
