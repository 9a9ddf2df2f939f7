"""A multi-line text box that never holds terminal control characters (see `clean_input`)."""

from __future__ import annotations

from textual.widgets import TextArea

from command_console.core.text import clean


class CleanTextArea(TextArea):
    def replace(self, insert: str, start, end, *, maintain_selection_offset: bool = True):
        return super().replace(
            clean(insert, multiline=True),
            start,
            end,
            maintain_selection_offset=maintain_selection_offset,
        )

    def insert(self, text: str, location=None, *, maintain_selection_offset: bool = True):
        return super().insert(
            clean(text, multiline=True),
            location,
            maintain_selection_offset=maintain_selection_offset,
        )

    def load_text(self, text: str) -> None:
        super().load_text(clean(text, multiline=True))
