"""Sync through a shared folder: publish our operations as segments, apply everyone else's.

The local SQLite file stays the acknowledgement point; the share only ever receives
write-once segment files (see segments.py) in `<share>/<console_id>/`, written by that
console alone. No database is ever opened on the share.

Bookkeeping lives in the local `meta` table (keys `sync.*`, JSON values):
  sync.published   highest own seq written to the share
  sync.own         own segment files {name: [first, last, size]}
  sync.ownseen     files found in our folder that we did not write {name: size}
  sync.seen.<c>    other console c's files already read {name: size}
  sync.bad         files skipped or damaged {path: {"size", "why", "dup"}}
  sync.skew        {console: warning}
  sync.retired     {old console id: {name: size}} segments written under an id this data
                   dir gave up (sync --new-identity), deleted from the share (identity.py)
A sync with nothing new lists the share root and each console folder (kept short by
compaction) and compares names and sizes with sync.seen: its cost does not grow with
history. Each console's folder is compacted (binary counter, ~log2(ops) files) from the
local database, which also heals a hole left by a damaged or deleted file.
"""

from __future__ import annotations

import bisect
import sqlite3
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from command_console.core.ops import Op
from command_console.core.text import clean
from command_console.data.store import op_from_row
from command_console.data.sync import peers
from command_console.data.sync import segments as seg
from command_console.data.sync.folder import FolderPass
from command_console.data.sync.hub import HubLink
from command_console.data.sync.hub_pass import HubPass
from command_console.data.sync.identity import Reissues
from command_console.data.sync.incoming import Incoming
from command_console.data.sync.lookup import Lookup
from command_console.data.sync.own import COMPACT_AGE_S, OwnFolder
from command_console.data.sync.own import unlink_quietly as _unlink
from command_console.data.sync.pacing import Pacing
from command_console.data.sync.recheck import recheck_after_upgrade
from command_console.data.sync.relay import Relay
from command_console.data.sync.state import ProcessLock, SyncState
from command_console.i18n import _, ngettext

SLOW_S = 5.0


@dataclass
class SyncResult:
    when: datetime
    published: int = 0
    applied: int = 0
    applied_from: set[str] = field(default_factory=set)  # consoles whose ops were applied
    unpublished: int = 0
    problems: list[str] = field(default_factory=list)  # new this pass, one line each
    share_ok: bool = True
    share_state: str = "ok"
    duplicate_console: str | None = None
    skew: str | None = None
    bad_files: int = 0
    busy: bool = False  # another sync held the lock; nothing was done
    files_read: int = 0  # segment files opened this pass (0 when nothing is new)
    seconds: float = 0.0
    rejected: dict[str, int] = field(default_factory=dict)  # console -> ops refused this pass
    rejected_total: dict[str, int] = field(default_factory=dict)  # console -> ops kept aside so far
    held: int = 0  # ops stamped in our future, waiting
    unreadable: int = 0  # files in the share this console may not read (another OS user)
    hub_ok: bool = True
    hub_state: str | None = None  # None: no hub configured
    hub_unpublished: int = 0


class Syncer(Pacing, FolderPass, OwnFolder, Incoming, Reissues, HubPass, Relay):
    """One console's sync, for the CLI and the console's worker.

    In the console: build one Syncer per workspace; in a thread worker, every 0.2 s call
    `due()` and, when it is True, `sync_once(paced=True)` (pacing.py says when); show `status_text()`
    in the status line. `sync_once` is thread-safe: a call while another is running
    returns at once with busy=True.
    """

    def __init__(self, workspace, share_dir: str | Path | None = None) -> None:
        self.workspace = workspace
        self.store = workspace.store
        self.console_id = workspace.config.console_id
        share = workspace.config.sync_dir if share_dir is None else share_dir
        self.share = Path(share) if share else None
        self.clock = workspace.clock
        self.lock_path = workspace.paths.root / "sync.lock"
        self.config_path = workspace.paths.config
        self.compact_age_s = COMPACT_AGE_S
        self.slow_after_s = SLOW_S
        self._lock = threading.Lock()
        self._last: SyncResult | None = None
        self._doomed: list[str] = []
        self._started: float | None = None
        self.signer = self.store.signer
        self.require_approval = bool(getattr(workspace.config, "require_approval", False))
        self.share_group = bool(getattr(workspace.config, "share_group", False))
        self._peer_keys: dict[str, str] = {}  # console -> pinned key usable this pass
        self._admitted: dict[str, Op] = {}  # op id -> op checked this pass, not merged yet
        self._lookup: Lookup | None = None  # what is held about the ops being admitted
        self._key_marks: dict[str, tuple[object, float]] = {}  # console -> key file, checked at
        self._door_checked = False  # recheck.py: refused ops are checked again after an upgrade
        self._peers_now: dict[str, peers.Peer] | None = None  # peer rows, read once a pass
        self._seen_now: set[str] = set()  # peers whose last_seen the pass writes at its end
        self._held: set[str] = set()  # files holding ops stamped in our future: read again later
        self._bad_records: dict[str, list[tuple]] = {}  # console -> records that are not operations
        self._held_seqs: dict[str, list[int]] = {}  # console -> seqs held here, read once a pass
        self._requests_left: dict[
            str, int
        ] = {}  # console -> republish requests this pass may still write
        self._reread: set[str] = set()  # consoles whose folders re-issues freed: read them again
        url = getattr(workspace.config, "sync_url", "")
        self.hub = HubLink(url) if url else None
        self._hub_keys: dict[str, bool] = {}  # console -> its key is registered in the hub as ours
        self._hub_failures = 0
        self._hub_retry_at = 0.0
        self._hub_swept = 0.0
        self._hub_now = None

    # -- public ----------------------------------------------------------------

    def sync_once(self, wait: bool = False, paced: bool = False) -> SyncResult:
        """Publish local ops, apply others'. Never raises for share or file trouble. paced:
        called because `due()` said so; the pass may then only publish (pacing.py)."""
        if not self._lock.acquire(blocking=wait):
            return replace(self._last or SyncResult(when=self.clock.now()), busy=True, problems=[])
        started = self._started = time.monotonic()
        reads = self._pass_reads(paced)
        result: SyncResult | None = None
        try:
            self._pass_begins(reads)
            with self.store.gate.priority():  # its writes go ahead of a writer's next one
                result = self._sync(wait, reads)
        except Exception as exc:  # a worker must survive anything; the line says what happened
            self._doomed = []
            result = SyncResult(
                when=self.clock.now(),
                share_ok=False,
                share_state=_("sync error"),
                problems=[_("sync error: {why}").format(why=pass_error(exc))],
                unpublished=self._last.unpublished if self._last else 0,
            )
        finally:
            self._pass_ends(reads, len(result.applied_from) if result else 0)
            self._started = None
            self._lock.release()
        result.seconds = time.monotonic() - started
        self._last = result
        return result

    def close(self) -> None:
        """Close the hub's connections (nothing to close for a folder)."""
        if self.hub is not None:
            self.hub.close()

    @property
    def last(self) -> SyncResult | None:
        return self._last

    def status_text(self) -> str:
        """One line for the status bar, e.g. 'sync 12:03:04 · 0 unpublished'."""
        if self.share is None and self.hub is None:
            return _("sync off")
        last, started = self._last, self._started
        unpublished = last.unpublished if last else 0
        if started is not None and time.monotonic() - started > self.slow_after_s:
            return _("share slow · syncing {seconds} s · {n} unpublished").format(
                seconds=f"{time.monotonic() - started:.0f}", n=unpublished
            )
        if last is None:
            return _("sync starting")
        parts = [_("DUPLICATE CONSOLE ID")] if last.duplicate_console else []
        when = last.when.astimezone(self.workspace.config.zone).strftime("%H:%M:%S")
        if self.share is not None:
            if last.share_ok:
                parts += [
                    _("sync {time}").format(time=when),
                    _("{n} unpublished").format(n=unpublished),
                ]
            else:
                parts += [
                    last.share_state,
                    _("{n} unpublished").format(n=unpublished),
                    _("retrying"),
                ]
        if self.hub is not None:
            parts += self._hub_status(last, when)
        for console, count in sorted(last.rejected_total.items()):
            parts.append(
                _("{count} rejected from {console}").format(count=count, console=clean(console))
            )
        if last.unreadable:
            parts.append(
                ngettext("{n} file unreadable", "{n} files unreadable", last.unreadable).format(
                    n=last.unreadable
                )
            )
        if last.bad_files:
            parts.append(
                ngettext("{n} bad file", "{n} bad files", last.bad_files).format(n=last.bad_files)
            )
        if last.skew:
            parts.append(_("clock skew"))
        return " · ".join(parts)

    @staticmethod
    def _hub_status(last: SyncResult, when: str) -> list[str]:
        if last.hub_ok:
            return [
                _("hub {time}").format(time=when),
                _("{n} unpublished").format(n=last.hub_unpublished),
            ]
        return [
            last.hub_state or _("hub unavailable"),
            _("{n} unpublished").format(n=last.hub_unpublished),
            _("retrying"),
        ]

    def known_problems(self) -> list[str]:
        """Every skipped or damaged file still in the share, one line each."""
        state = SyncState.load(self.store)
        state.root = self.share
        return [f"{state.path(rel)}: {entry['why']}" for rel, entry in sorted(state.bad.items())]

    # -- one pass ----------------------------------------------------------------

    def _sync(self, wait: bool, reads: bool = True) -> SyncResult:
        result = SyncResult(when=self.clock.now())
        self._held_seqs.clear()
        self._admitted.clear()
        self._peers_now = None
        if self.share is None and self.hub is None:
            result.share_ok, result.share_state = False, _("sync off")
            result.unpublished = self._max_own_seq()
            return result
        with ProcessLock(self.lock_path, wait) as locked:
            if not locked:
                result.busy = True
                result.problems.append(_("another process is syncing this data directory; skipped"))
                result.unpublished = self._max_own_seq() - SyncState.load(self.store).published
                return result
            unfinished = self._identity_unfinished()
            if unfinished:
                result.share_ok, result.share_state = False, _("identity change unfinished")
                result.problems.append(unfinished)
                return result
            state = SyncState.load(self.store)
            state.root, state.console_id = self.share, self.console_id
            if not self._door_checked:
                again = recheck_after_upgrade(self.store, state)
                if again:
                    result.problems.append(
                        _(
                            "checking again after an upgrade what an earlier version refused: {consoles}"
                        ).format(consoles=", ".join(sorted(again)))
                    )
                self._door_checked = True
            if self.share is not None:
                self._folder_pass(state, result)
            if self.hub is not None:
                self._hub_pass(state, result, reads)
            if self.hub is not None and self.share is not None and result.share_ok:
                self._bridge_to_folder(result)
            state.save(self.store)
            peers.mark_seen(self.store, self._seen_now, self.clock.now())
            self._seen_now.clear()
            if self._doomed:  # compacted away, now that the bookkeeping no longer names them
                for name in self._doomed:
                    _unlink(self._folder() / self.console_id / name)
                seg.fsync_dir(self._folder() / self.console_id)
                self._doomed = []
            result.unpublished = (
                max(0, self._max_own_seq() - state.published)
                if self.share is not None
                else result.hub_unpublished
            )
            result.duplicate_console = state.duplicate_warning()
            result.skew = state.skew_warning()
            result.bad_files = len(state.bad)
            result.rejected_total = peers.rejected_counts(self.store)
        return result

    def republish(self) -> None:
        """Forget what was published and read: the next pass writes everything again (for a
        share that was emptied or replaced on purpose)."""
        with self._lock, ProcessLock(self.lock_path, True):
            state = SyncState.load(self.store)
            state.reset()
            state.save(self.store)

    # -- helpers -----------------------------------------------------------------

    def _duplicate_text(self, console: str, seq: int, own: bool) -> str:
        if own:
            return _(
                "seq {seq} differs from this console's own: another console uses this console id {console!r} "
                "(a copied data directory). Fix: on the copy, run `command-console sync --new-identity` (it "
                "keeps every entry)"
            ).format(seq=seq, console=console)
        return _(
            "seq {seq} differs between two copies: two consoles use the console id {console!r} (a copied data "
            "directory). Fix: on the copy, run `command-console sync --new-identity` (it keeps every "
            "entry)"
        ).format(seq=seq, console=console)

    def _max_own_seq(self) -> int:
        return (
            self.store.scalar("SELECT max(seq) FROM ops WHERE console_id = ?", self.console_id) or 0
        )

    def _own_ops(self, first: int, last: int) -> list[Op]:
        rows = self.store.rows(
            "SELECT * FROM ops WHERE console_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
            self.console_id,
            first,
            last,
        )
        return [op_from_row(r) for r in rows]

    def _local_ids(self, console: str, seqs: list[int]) -> dict[int, tuple[str, str]]:
        """seq -> (op id, hash) of the local ops of a console among seqs."""
        if not seqs:
            return {}
        if self._lookup is not None and self._lookup.covers(console, seqs):
            return self._lookup.local_ids(console, seqs)
        rows = self.store.rows(
            "SELECT seq, id, hash FROM ops WHERE console_id = ? AND seq BETWEEN ? AND ?",
            console,
            min(seqs),
            max(seqs),
        )
        wanted = set(seqs)
        return {seq: (op_id, digest) for seq, op_id, digest in rows if seq in wanted}

    def _have_range(self, console: str, first: int, last: int) -> bool:
        """Whether every seq first..last of a console is held here. The seqs are read once a
        pass per console (a folder of 10,000 one-op files costs one query, not 10,000); one
        merged later in the pass only makes its file read again, and skipped op by op."""
        held = self._held_seqs.get(console)
        if held is None:
            held = self._held_seqs[console] = [
                row[0]
                for row in self.store.rows(
                    "SELECT seq FROM ops WHERE console_id = ? ORDER BY seq", console
                )
            ]
        return bisect.bisect_right(held, last) - bisect.bisect_left(held, first) == last - first + 1


def pass_error(exc: Exception) -> str:
    """One line for what stopped a pass. A database another process keeps locked past the
    busy timeout is said plainly (the next pass retries); anything else names its type."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return _("the local database is busy (another process is writing to it); retrying")
    return f"{type(exc).__name__}: {exc}"
