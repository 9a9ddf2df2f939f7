"""Text boxes that never hold terminal control characters.

Textual's Input and TextArea keep and draw whatever is pasted or set, escape sequences
and bidi overrides included, and what they draw reaches the terminal. These clean every
way text gets in (typing, paste, set value) with the same rule the store applies.
(The multi-line box is in `clean_text_area`: TextArea is slow to import, and the main
screen needs only the one-line box.)
"""

from __future__ import annotations

from textual.widgets import Input

from command_console.core.text import clean


class CleanInput(Input):
    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(clean(text), start, end)

    def validate_value(self, value: str) -> str:
        return clean(value)
