"""Errors the user can act on. Each carries one line that names what was wrong.

Exit codes of the CLI (documented in the README):
0 ok; 1 a check found problems; 2 bad input; 3 the store or data dir is refused
(damaged, foreign, newer); 4 cannot write now (disk full, read-only, locked too long),
nothing was written; 70 an unexpected error (a bug); 130 interrupted.
"""

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_STORE_REFUSED = 3
EXIT_CANNOT_WRITE = 4
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """Bad input: the message is shown as one line, nothing is written."""

    exit_code = EXIT_BAD_INPUT


class NotFound(UserError):
    """An id, plan, step or field that does not exist (message lists close matches)."""


class StoreError(Exception):
    """The database cannot be used (corrupt, foreign, newer schema)."""

    exit_code = EXIT_STORE_REFUSED


class WriteError(Exception):
    """Nothing could be written now (disk full, read-only, locked): retry later."""

    exit_code = EXIT_CANNOT_WRITE
