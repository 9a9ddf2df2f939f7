"""Sync bookkeeping kept in the local meta table, the per-data-dir lock, share errors."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

from command_console.i18n import N_, _

try:
    import fcntl
except ImportError:  # Windows: one process per data directory is assumed
    fcntl = None  # type: ignore[assignment]  # the module is absent on Windows

PREFIX = "sync."


class SyncState:
    """What this console has published and read; loaded and saved once per sync pass."""

    def __init__(self, values: dict[str, Any]) -> None:  # as stored: decoded JSON
        self._saved = {k: json.dumps(v, sort_keys=True) for k, v in values.items()}
        self.root: Path | None = None  # the share, for naming files in messages
        self.console_id: str | None = None
        self.published: int = int(values.get("sync.published", 0))
        self.own: dict[str, list[int]] = dict(values.get("sync.own", {}))
        self.ownseen: dict[str, int] = dict(values.get("sync.ownseen", {}))
        self.bad: dict[str, dict] = dict(values.get("sync.bad", {}))
        self.skew: dict[str, str] = dict(values.get("sync.skew", {}))
        self.answered: dict[str, int] = dict(values.get("sync.answered", {}))
        self.share_path: str | None = values.get("sync.share")
        # files this data dir wrote under a console id it gave up (sync --new-identity): {id: {name: size}}
        self.retired: dict[str, dict[str, int]] = dict(values.get("sync.retired", {}))
        self.seen: dict[str, dict[str, int]] = {
            k[len("sync.seen.") :]: dict(v) for k, v in values.items() if k.startswith("sync.seen.")
        }

    @classmethod
    def load(cls, store) -> SyncState:
        rows = store.rows("SELECT key, value FROM meta WHERE key >= 'sync.' AND key < 'sync/'")
        values: dict[str, Any] = {}
        for key, value in rows:
            try:
                values[key] = json.loads(value)
            except ValueError:
                continue  # unreadable bookkeeping only costs a re-read
        return cls(values)

    def _values(self) -> dict[str, object]:
        values: dict[str, object] = {
            "sync.published": self.published,
            "sync.own": self.own,
            "sync.ownseen": self.ownseen,
            "sync.bad": self.bad,
            "sync.skew": self.skew,
            "sync.answered": self.answered,
            "sync.share": self.share_path,
            "sync.retired": self.retired,
        }
        values.update({f"sync.seen.{c}": v for c, v in self.seen.items()})
        return values

    def save(self, store) -> None:
        current = {k: json.dumps(v, sort_keys=True) for k, v in self._values().items()}
        changed = {k: v for k, v in current.items() if self._saved.get(k) != v}
        gone = [k for k in self._saved if k not in current]
        if not changed and not gone:
            return
        with store.transaction() as conn:
            self.save_in(conn, current)

    def save_in(self, conn, current: dict[str, str] | None = None) -> None:
        """Save inside a transaction the caller holds (current: the values as JSON, if known)."""
        if current is None:
            current = {k: json.dumps(v, sort_keys=True) for k, v in self._values().items()}
        changed = {k: v for k, v in current.items() if self._saved.get(k) != v}
        gone = [k for k in self._saved if k not in current]
        conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", changed.items())
        conn.executemany("DELETE FROM meta WHERE key = ?", [(key,) for key in gone])
        self._saved = current

    def reset(self) -> None:
        self.published, self.share_path = 0, None
        for table in (self.own, self.ownseen, self.bad, self.skew, self.answered, self.seen):
            table.clear()

    def seen_for(self, console: str) -> dict[str, int]:
        return self.seen.setdefault(console, {})

    def prune(self, console: str, listing: dict) -> None:
        """Forget files that are no longer in a console's folder."""
        seen = self.seen.get(console)
        if seen:
            for name in [n for n in seen if n not in listing]:
                del seen[name]
        if console == self.console_id:
            for name in [n for n in self.ownseen if n not in listing]:
                del self.ownseen[name]
        for table in (
            self.bad,
            self.answered,
        ):  # "<console>/" alone is not a file: when it was last answered
            for rel in [
                r
                for r in table
                if r.split("/", 1)[0] == console
                and r.split("/", 1)[1] not in listing
                and not r.endswith("/")
            ]:
                del table[rel]

    def forget_consoles_except(self, consoles: set[str]) -> None:
        for console in [c for c in self.seen if c not in consoles]:
            del self.seen[console]
        for table in (self.bad, self.answered):
            for rel in [
                r for r in table if r.split("/", 1)[0] not in consoles and not r.startswith("hub:")
            ]:
                del table[rel]

    def read_again(self, console: str) -> None:
        """Read a console's folder again from scratch and drop its duplicate reports: a
        re-issue has freed the seqs another copy of this console id wrote."""
        self.seen.pop(console, None)
        for rel in [
            r for r, e in self.bad.items() if e.get("dup") and r.split("/", 1)[0] == console
        ]:
            del self.bad[rel]
            if console == self.console_id:
                self.ownseen.pop(rel.split("/", 1)[1], None)

    def report(self, result, rel: str, size: int | None, why: str, dup: bool = False) -> None:
        """Remember a bad file; the line goes into this pass's problems only the first time."""
        entry = self.bad.get(rel)
        combined = why
        if entry is not None and entry.get("size") == size:
            if why in entry["why"] or len(entry["why"]) > 600:
                entry["dup"] = entry.get("dup", False) or dup
                return
            combined, dup = entry["why"] + "; " + why, dup or entry.get("dup", False)
        self.bad[rel] = {"size": size, "why": combined, "dup": dup}
        result.problems.append(f"{self.path(rel)}: {why}")

    def path(self, rel: str) -> str:
        """Where a problem is: a file in the share, or a row in the hub ("hub:<console>/<seq>")."""
        return os.path.join(self.root, rel) if self.root and not rel.startswith("hub:") else rel

    def note_skew(self, console: str, warning: str | None) -> None:
        if warning:
            self.skew[console] = warning
        else:
            self.skew.pop(console, None)

    def duplicate_warning(self) -> str | None:
        for rel, entry in sorted(self.bad.items()):
            if entry.get("dup"):
                return f"{self.path(rel)}: {entry['why']}"
        return None

    def skew_warning(self) -> str | None:
        return "; ".join(self.skew[c] for c in sorted(self.skew)) or None


class ProcessLock:
    """An exclusive lock on a file in the (local) data directory: one sync per data dir."""

    def __init__(self, path: Path, wait: bool) -> None:
        self.path, self.wait = path, wait
        self.fd: int | None = None

    def __enter__(self) -> bool:
        if fcntl is None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


UNAVAILABLE = N_("share unavailable ({why})")  # share_error's fallbacks, translated when said
NOT_WRITABLE = N_("share not writable ({why})")


def share_error(exc: OSError, fallback: str) -> str:
    """A short status for a failing share: unavailable, read-only, full, not responding, or
    `fallback` (UNAVAILABLE or NOT_WRITABLE) naming the error."""
    code = exc.errno
    if code in (
        errno.ENOENT,
        errno.ENOTDIR,
        errno.ENOTCONN,
        errno.ESTALE,
        errno.EHOSTDOWN,
        errno.ENODEV,
    ):
        return _("share unavailable")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _("share read-only")
    if code in (errno.ENOSPC, errno.EDQUOT):
        return _("share full")
    if code in (errno.ETIMEDOUT, errno.EIO):
        return _("share not responding")
    return _(fallback).format(why=exc.strerror or exc)
