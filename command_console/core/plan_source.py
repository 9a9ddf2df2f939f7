"""Plan file text before and around TOML parsing: problem lines, key positions, nesting.

tomllib parses nested arrays and inline tables recursively, so a file like `a = [[[[...`
ends in a RecursionError; a cheap scan of bracket depth refuses it first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from command_console.core.text import clean
from command_console.i18n import _

MAX_NESTING = 16  # a plan needs 2 ([[steps]], an inline table in a step)
# Strings and comments (whose brackets do not count), or one bracket.
_TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]'
)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        """Always one line: a path or message holding newlines or control characters is cleaned."""
        return f"{clean(self.path)}:{self.line}:{self.col}: {clean(self.message)}"


def nesting_problem(source: str, path: str, limit: int = MAX_NESTING) -> Problem | None:
    """A problem at the first bracket that opens more than `limit` levels, else None."""
    depth = 0
    for token in _TOKENS.finditer(source):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                line = source.count("\n", 0, token.start()) + 1
                col = token.start() - (source.rfind("\n", 0, token.start()) + 1) + 1
                return Problem(
                    path, line, col, _("nested more than {limit} levels deep").format(limit=limit)
                )
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


class Locator:
    """Finds the line and column of a key in the source, for problem messages."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.step_headers = [
            i for i, line in enumerate(self.lines) if line.strip().startswith("[[steps]]")
        ]

    def _block(self, step_index: int | None) -> range:
        if step_index is None:
            end = self.step_headers[0] if self.step_headers else len(self.lines)
            return range(end)
        if step_index >= len(self.step_headers):
            return range(len(self.lines))
        start = self.step_headers[step_index]
        following = [h for h in self.step_headers if h > start]
        return range(start, following[0] if following else len(self.lines))

    def find(self, key: str | None, step_index: int | None = None) -> tuple[int, int]:
        block = self._block(step_index)
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for i in block:
                if pattern.match(self.lines[i]):
                    return i + 1, self.lines[i].index(key) + 1
        return (block.start + 1 if len(block) else 1), 1
