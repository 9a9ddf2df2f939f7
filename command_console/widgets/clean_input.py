"""Text boxes that never hold terminal control characters.

Textual's Input and TextArea keep and draw whatever is pasted or set, escape sequences
and bidi overrides included, and what they draw reaches the terminal. These clean every
way text gets in (typing, paste, set value) with the same rule the store applies.
"""

from __future__ import annotations

from textual.widgets import Input, TextArea

from command_console.core.text import clean


class CleanInput(Input):
    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(clean(text), start, end)

    def validate_value(self, value: str) -> str:
        return clean(value)


class CleanTextArea(TextArea):
    def replace(self, insert: str, start, end, *, maintain_selection_offset: bool = True):
        return super().replace(clean(insert, multiline=True), start, end,
                               maintain_selection_offset=maintain_selection_offset)

    def insert(self, text: str, location=None, *, maintain_selection_offset: bool = True):
        return super().insert(clean(text, multiline=True), location,
                              maintain_selection_offset=maintain_selection_offset)

    def load_text(self, text: str) -> None:
        super().load_text(clean(text, multiline=True))
