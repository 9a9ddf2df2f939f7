"""Sync, a bridge's relay: operations of consoles that have no folder in the share (they
sync through the hub) written into the bridge's own folder, so the site's folder consoles
get them too.

    <share>/<bridge>/relay/<console>/console.pub        that console's key, as the hub holds it
    <share>/<bridge>/relay/<console>/<first>-<last>-<rand>.seg

The bridge writes only inside its own folder. A reader takes a relayed op through the same
door as any other (Incoming._apply): schema, namespace, chain and the signature of the
console that wrote it, against the key pinned for that console (pinned from the relay on
first sight, like a folder's key). A console that has its own folder is never relayed:
its folder is the source, so nothing loops. A mixin of Syncer.

Bookkeeping in `meta`: relay.rowid (highest local ops rowid relayed), relay.seen
({"<bridge>/<console>/<name>": size} of relayed files already read).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from command_console.core.clock import to_ms
from command_console.core.ops import Op
from command_console.data.store import op_from_row
from command_console.data.sync import peers
from command_console.data.sync import segments as seg
from command_console.data.sync.host import SyncHost
from command_console.data.sync.own import list_files, unlink_quietly

if TYPE_CHECKING:
    from collections.abc import Callable

    from command_console.data.sync import SyncResult
    from command_console.data.sync.state import SyncState

RELAY_DIR = "relay"
RELAY_BATCH = 5_000
RELAY_MAX_FILES = 32  # per relayed console; more are merged into one file per run
RELAY_SQL = "SELECT *, rowid AS rid FROM ops WHERE rowid > ? ORDER BY rowid LIMIT ?"


def _meta(store, key: str, default):
    text = store.scalar("SELECT value FROM meta WHERE key = ?", key)
    try:
        return json.loads(text) if text is not None else default
    except ValueError:
        return default


def _save_meta(store, values: dict) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            [(k, json.dumps(v, sort_keys=True)) for k, v in values.items()],
        )


def _runs(ops: list[Op]) -> list[list[Op]]:
    """Contiguous seq runs of one console's ops (a segment's name states its run)."""
    runs: list[list[Op]] = []
    for op in sorted(ops, key=lambda o: o.seq):
        if runs and op.seq == runs[-1][-1].seq + 1 and len(runs[-1]) < seg.MAX_SEGMENT_OPS:
            runs[-1].append(op)
        elif not runs or op.seq != runs[-1][-1].seq:
            runs.append([op])
    return runs


def _subfolders(folder: Path) -> list[str]:
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):  # never a link out of the share
            return []
        with os.scandir(folder) as entries:
            return sorted(
                e.name
                for e in entries
                if seg.CONSOLE_DIR_RE.match(e.name) and e.is_dir(follow_symlinks=False)
            )
    except OSError:
        return []


class Relay(SyncHost):
    # -- out: the bridge writes ------------------------------------------------------

    def _relay_out(self, folder_consoles: set[str], result: SyncResult) -> None:
        """Relay into our folder every op held here of consoles without a folder of their own."""
        root = self._folder() / self.console_id / RELAY_DIR
        rowid = int(_meta(self.store, "relay.rowid", 0))
        mode = 0o750 if self.share_group else 0o700
        while True:
            rows = self.store.rows(RELAY_SQL, rowid, RELAY_BATCH)
            if not rows:
                break
            by_console: dict[str, list[Op]] = {}
            for row in rows:
                if row.console_id != self.console_id and row.console_id not in folder_consoles:
                    by_console.setdefault(row.console_id, []).append(op_from_row(row))
            for console, ops in by_console.items():
                peer = peers.get(self.store, console)
                if peer is None or peer.status != peers.APPROVED:
                    continue  # never relay what this console does not trust itself
                folder = root / console
                folder.mkdir(mode=mode, parents=True, exist_ok=True)
                if folder.is_symlink() or root.is_symlink():
                    result.problems.append(f"{folder}: a link; nothing relayed")
                    return
                peers.publish_public_key(folder, peer.public_key)
                for run in _runs(ops):
                    self._relay_write(folder, console, run)
                self._relay_merge(folder, console)
            rowid = rows[-1].rid
            _save_meta(self.store, {"relay.rowid": rowid})

    def _relay_write(self, folder: Path, console: str, ops: list[Op]) -> None:
        seg.write_segment(
            folder,
            console,
            ops,
            to_ms(self.clock.now()),
            0o640 if self.share_group else 0o600,
        )

    def _relay_merge(self, folder: Path, console: str) -> None:
        """Keep a relayed console's folder short: past RELAY_MAX_FILES files, write what it
        holds again as one file per run and delete the old ones (readers skip ops they hold)."""
        names = [n for n in list_files(folder) if seg.parse_name(n) is not None]
        held = self.store.scalar("SELECT count(*) FROM ops WHERE console_id = ?", console) or 0
        if len(names) <= RELAY_MAX_FILES + held // seg.MAX_SEGMENT_OPS:
            return  # (a merged folder holds one file per 5,000 ops: never merge it again)
        rows = self.store.rows("SELECT * FROM ops WHERE console_id = ? ORDER BY seq", console)
        for run in _runs([op_from_row(r) for r in rows]):
            self._relay_write(folder, console, run)
        for name in names:
            unlink_quietly(folder / name)
        seg.fsync_dir(folder)

    # -- in: everyone reads the relays in the share --------------------------------------

    def _relay_in(
        self,
        trusted: Callable[[str], bool],
        folder_consoles: set[str],
        state: SyncState,
        result: SyncResult,
    ) -> None:
        """Read the relays of trusted consoles' folders: ops of consoles with no folder here."""
        seen: dict[str, int] = dict(_meta(self.store, "relay.seen", {}))
        still: dict[str, int] = {}
        for bridge in sorted(folder_consoles - {self.console_id}):
            root = self._folder() / bridge / RELAY_DIR
            relayed = _subfolders(root)
            if not relayed or not trusted(bridge):
                continue
            for console in relayed:
                if console == self.console_id or console in folder_consoles:
                    continue
                self._relay_read(bridge, console, root / console, seen, still, state, result)
        if still != seen:
            _save_meta(self.store, {"relay.seen": still})

    def _relay_read(
        self,
        bridge: str,
        console: str,
        folder: Path,
        seen: dict[str, int],
        still: dict[str, int],
        state: SyncState,
        result: SyncResult,
    ) -> None:
        key = peers.read_public_key(folder)
        rel_key = f"{bridge}/{RELAY_DIR}/{console}"
        if key is None or not self._pin(console, key, rel_key, state, result):
            return
        try:
            listing = list_files(folder)
        except OSError:
            return
        items: list[tuple[Op, str, int]] = []
        for name, (size, _mtime) in sorted(listing.items()):
            rel = f"{bridge}/{RELAY_DIR}/{console}/{name}"
            if seg.parse_name(name) is None:
                continue
            if seen.get(rel) == size:
                still[rel] = size
                continue
            ops = self._relay_decode(folder / name, rel, size, console, state, result)
            if ops is None:
                continue
            items += [(op, rel, size) for op in ops]
            still[rel] = size
        if items:
            self._apply(console, items, state, result)
            for where in [w for w in self._held if w.startswith(rel_key + "/")]:
                still.pop(where, None)  # read again once its time has come
            self._held.clear()

    def _relay_decode(
        self, path: Path, rel: str, size: int, console: str, state: SyncState, result: SyncResult
    ) -> list[Op] | None:
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > seg.MAX_SEGMENT_BYTES:
                state.report(result, rel, size, "not a regular file of segment size; not read")
                return None
            decoded = seg.decode(seg.read_bounded(path, seg.MAX_SEGMENT_BYTES))
        except OSError:
            return None  # merged away while we listed: the new file has the ops
        result.files_read += 1
        if decoded.fatal or decoded.header is None:
            state.report(result, rel, size, "; ".join(decoded.problems[:3]))
            return None
        if decoded.header.get("console_id") != console:
            state.report(
                result,
                rel,
                size,
                f"relayed segment of console {decoded.header.get('console_id')!r} "
                f"in the relay of {console!r}; skipped",
            )
            return None
        if decoded.problems:
            state.report(result, rel, size, "; ".join(decoded.problems[:3]))
        self._bad_records.setdefault(console, []).extend(
            (seq, rel, why, record) for seq, why, record in decoded.bad_records
        )
        return decoded.ops
