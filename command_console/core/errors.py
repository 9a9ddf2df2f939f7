"""Errors the user can act on. Each carries one line that names what was wrong."""


class UserError(Exception):
    """Bad input: the message is shown as one line, nothing is written."""

    exit_code = 2


class NotFound(UserError):
    """An id, plan, step or field that does not exist (message lists close matches)."""


class StoreError(Exception):
    """The database cannot be used (corrupt, foreign, newer schema)."""

    exit_code = 3
