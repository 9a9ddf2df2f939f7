"""What a save can meet that is nobody's typing mistake: the disk is full, the database is
locked or read-only. The screens keep the typed text on screen and say so in one line."""

from __future__ import annotations

import sqlite3

from command_console.core import errors

CANNOT_WRITE: tuple[type[BaseException], ...] = tuple(
    kind
    for kind in (getattr(errors, "WriteError", None), OSError, sqlite3.Error)
    if kind is not None
)

# what a write is refused for, said in one line: the user's mistake, or what nobody typed
REFUSED: tuple[type[BaseException], ...] = (errors.UserError, *CANNOT_WRITE)
