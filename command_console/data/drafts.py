"""Report-form drafts: every keystroke kept on disk so a quit, crash or killed terminal
loses nothing. One JSON file per incident, replaced atomically (write, fsync, rename,
fsync the folder); a newer version is never overwritten by an older one."""

from __future__ import annotations

import itertools
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path

STALE_TEMP_S = 60  # a temp file this old belongs to a save that was killed before its rename


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._written: dict[str, int] = {}
        self._versions = itertools.count(1)
        self._swept = False

    def next_version(self) -> int:
        """Versions only grow: a save carrying an older one never replaces a newer draft."""
        return next(self._versions)

    def path(self, incident_id: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9_-]", "_", incident_id) + ".json")

    def load(self, incident_id: str) -> dict[str, str]:
        try:
            data = json.loads(self.path(incident_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        values = data.get("values", {}) if isinstance(data, dict) else {}
        return {k: v for k, v in values.items() if isinstance(k, str) and isinstance(v, str)}

    def save(self, incident_id: str, values: dict[str, str], version: int) -> bool:
        """Durably store values unless a newer version is already on disk."""
        with self._lock:
            if version <= self._written.get(incident_id, -1):
                return False
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self._swept:
                self._sweep_stale_temps()
            # ASCII escapes: any string survives, even a lone surrogate a paste could carry
            blob = json.dumps({"incident_id": incident_id, "version": version, "values": values})
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".draft-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(blob)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path(incident_id))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._fsync_folder()
            self._written[incident_id] = version
            return True

    def discard(self, incident_id: str) -> None:
        with self._lock:
            self.path(incident_id).unlink(missing_ok=True)
            self._written[incident_id] = (
                self.next_version()
            )  # saves issued before this cannot revive it

    def _sweep_stale_temps(self) -> None:
        self._swept = True
        cutoff = time.time() - STALE_TEMP_S
        for path in self.folder.glob(".draft-*.tmp"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue

    def _fsync_folder(self) -> None:
        try:
            fd = os.open(self.folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
