"""A one-line severity chooser: left/right (or 1-4) cycles general → critical."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widget import Widget

from command_console.core import labels
from command_console.core.incidents import Severity
from command_console.i18n import N_, current_language
from command_console.widgets.cells import SEVERITY_STYLE

LEVELS = list(Severity)


def picker_word(level: Severity) -> str:
    """The level in the chosen language: '较大' in Chinese; 'serious 较大' in English (the
    seeds' term beside it)."""
    if current_language().lower().startswith("zh"):
        return labels.severity(level)
    return f"{labels.severity(level)} {level.label_zh}"


class SeverityPicker(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "shift(-1)", N_("Lower"), show=False),
        Binding("right", "shift(1)", N_("Higher"), show=False),
        *[Binding(str(i + 1), f"pick({i})", s.value, show=False) for i, s in enumerate(LEVELS)],
    ]
    value: reactive[Severity] = reactive(Severity.GENERAL)

    def __init__(self, value: Severity = Severity.GENERAL, **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_reactive(SeverityPicker.value, value)
        self.touched = False  # the lead chose a level: the plan default no longer applies

    def render(self) -> Text:
        line = Text(no_wrap=True)
        for index, level in enumerate(LEVELS):
            style = SEVERITY_STYLE[level] if level == self.value else "dim"
            line.append(f" {index + 1} {picker_word(level)} ", style=style)
            line.append(" ")
        line.append(" ←/→", style="dim")
        return line

    def action_shift(self, delta: int) -> None:
        self.touched = True
        self.value = LEVELS[(LEVELS.index(self.value) + delta) % len(LEVELS)]

    def action_pick(self, index: int) -> None:
        self.touched = True
        self.value = LEVELS[index]
