"""`command-console backup PATH`: a consistent copy of the live database with SQLite's
online backup API (safe while the console writes), checked before it is put in place."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from command_console.core.errors import StoreError, UserError
from command_console.data.engine import BUSY_TIMEOUT_MS
from command_console.i18n import _


def backup(source: Path, target: Path, *, replace: bool = False) -> int:
    """Copy source to target (private, 0600); returns the copy's size in bytes. The copy is
    made beside target under a temporary name, must pass integrity_check, then is renamed;
    without replace an existing target is never replaced."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        _copy(source, tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise UserError(
                    _("{path!r} already exists; add --force to replace it").format(path=str(target))
                ) from None
        return target.stat().st_size
    finally:
        if tmp.exists():
            tmp.unlink()


def _copy(source: Path, tmp: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        result = dst.execute("PRAGMA integrity_check(1)").fetchone()[0]
        if result != "ok":
            raise StoreError(
                _("the backup copy failed its integrity check ({detail}); nothing was kept").format(
                    detail=result
                )
            )
    finally:
        dst.close()
        src.close()
