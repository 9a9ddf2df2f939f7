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
    """Finds the line and column of a key in the source, for problem messages. A key of the
    n-th `[[steps]]` (or `[[upward]]`) table is looked for in that table's lines only."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]")

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.headers = [
            (i, match.group(1))
            for i, line in enumerate(self.lines)
            if (match := self._HEADER.match(line))
        ]

    def _block(self, index: int | None, table: str) -> range:
        if index is None:
            end = self.headers[0][0] if self.headers else len(self.lines)
            return range(end)
        starts = [i for i, name in self.headers if name == table]
        if index >= len(starts):
            return range(len(self.lines))
        start = starts[index]
        following = [i for i, _name in self.headers if i > start]
        return range(start, following[0] if following else len(self.lines))

    def find(
        self, key: str | None, index: int | None = None, table: str = "steps"
    ) -> tuple[int, int]:
        block = self._block(index, table)
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for i in block:
                if pattern.match(self.lines[i]):
                    return i + 1, self.lines[i].index(key) + 1
        return (block.start + 1 if len(block) else 1), 1
