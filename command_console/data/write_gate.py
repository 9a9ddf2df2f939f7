"""Turns at SQLite's write lock between sync and the writers of one data directory.

SQLite lets one writer in at a time and gives no turns: a process waiting for the lock
sleeps and tries again (1, 2, 5 ... 100 ms), so a writer that commits back to back (a
script, a burst of entries, a second console process on the same data directory) takes
the lock again a few microseconds after it let go, and the sync beside it waited seconds
for a 20 ms merge. The gate is a file lock beside the database that sync holds while it
waits for and uses the write lock (`priority`); every other write transaction first lets
a waiting sync go ahead (`wait_turn`), then takes the lock as before. Sync paces itself
between its transactions (data/sync/incoming.py), so the writers still get most of it.

A writer never holds the gate, so it cannot deadlock with sync; it waits at most
MAX_WAIT_S for it (sync holds it for one short transaction). Without fcntl (Windows)
the gate does nothing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]  # the module is absent on Windows

MAX_WAIT_S = 2.0  # a writer goes ahead after this however long a sync holds the gate
POLL_S = 0.0005


class WriteGate:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    @contextmanager
    def priority(self) -> Iterator[None]:
        """This thread's write transactions go ahead of the other writers' (sync's pass).
        Re-entrant; the gate is held only around each transaction (`held`)."""
        depth = getattr(self._local, "priority", 0)
        self._local.priority = depth + 1
        try:
            yield
        finally:
            self._local.priority = depth

    @contextmanager
    def held(self) -> Iterator[None]:
        """Around one write transaction: a priority thread holds the gate while it waits for
        and uses SQLite's write lock; any other thread first lets such a holder go ahead."""
        if fcntl is None or getattr(self._local, "fd", None) is not None:
            yield  # no file locks here, or nested in this thread's own turn
            return
        if not getattr(self._local, "priority", 0):
            self.wait_turn()
            yield
            return
        try:
            fd = self._open()
        except OSError:  # no gate file to share (read-only folder, another user's file)
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._local.fd = fd
            yield
        finally:
            self._local.fd = None
            os.close(fd)  # closing the descriptor releases its lock

    def wait_turn(self) -> None:
        """Return once no sync holds the gate (at most MAX_WAIT_S)."""
        try:
            fd = self._open()
        except OSError:
            return  # no gate file to share (a read-only folder): SQLite's own waiting applies
        try:
            deadline = None
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    now = time.monotonic()
                    deadline = deadline or now + MAX_WAIT_S
                    if now >= deadline:
                        return
                    time.sleep(POLL_S)
        finally:
            os.close(fd)

    def _open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
