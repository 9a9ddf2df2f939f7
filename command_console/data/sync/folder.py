"""Sync, the shared folder's side of a pass: the share's marker, every other console's
folder (keys first, then new segment files, merged in batches through Incoming._apply),
republish requests both ways, and a bridge's relay out.

A mixin of Syncer (sync/__init__.py), like OwnFolder, Incoming, HubPass and Relay.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from command_console.core.clock import to_ms
from command_console.core.ops import Op
from command_console.data.sync import keys, peers
from command_console.data.sync import segments as seg
from command_console.data.sync.host import SyncHost
from command_console.data.sync.own import SKEW_LIMIT_MS
from command_console.data.sync.own import list_files as _list
from command_console.data.sync.own import skew_text as _skew_text
from command_console.data.sync.state import NOT_WRITABLE, UNAVAILABLE, SyncState, share_error
from command_console.i18n import _

if TYPE_CHECKING:
    from command_console.data.sync import SyncResult

MERGE_BATCH = 5_000  # ops read before they are merged
MARKER = ".command-console-share"
REPUBLISH_EVERY_S = 60  # per asking console
REQUESTS_PER_PASS = 8  # republish requests written per console and pass
REPUBLISH_MAX_OPS = 20_000  # per answer
KEY_RECHECK_S = 60  # a quiet console's key file is read again this often (or when it changes)


def _file_mark(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


class FolderPass(SyncHost):
    def _folder_pass(self, state: SyncState, result: SyncResult) -> None:
        try:
            if not self._folder().is_dir():
                raise FileNotFoundError(2, "No such folder", str(self.share))
            os.listdir(self.share)
        except OSError as exc:
            result.share_ok, result.share_state = False, share_error(exc, UNAVAILABLE)
            return
        if self._share_is_ours(state, result):
            self._own_folder(state, result)
            self._delete_retired(state, result)
            state.save(
                self.store
            )  # a pass cut short while reading must not orphan what it published
            self._read_others(state, result)

    def _share_is_ours(self, state: SyncState, result: SyncResult) -> bool:
        """False when the share we used has lost its marker: an unmounted mount point (never
        fill the disk underneath it) or a folder emptied by someone."""
        marker = self._folder() / MARKER
        if marker.exists():
            state.share_path = str(self.share)
            return True
        if state.share_path == str(self.share) and (state.own or state.seen):
            result.share_ok, result.share_state = False, _("share unavailable")
            result.problems.append(
                f"{marker}: missing from a shared folder this console used (not mounted, or emptied); nothing written. "
                f"If it was emptied on purpose, run `command-console sync --republish`"
            )
            return False
        try:
            os.close(os.open(marker, os.O_WRONLY | os.O_CREAT, 0o644))
            state.share_path = str(self.share)
        except OSError:
            pass  # a read-only share: reading still works, publishing reports it
        return True

    def _read_others(self, state: SyncState, result: SyncResult) -> None:
        self._requests_left.clear()
        try:
            with os.scandir(self.share) as entries:
                consoles = sorted(
                    e.name
                    for e in entries
                    if seg.CONSOLE_DIR_RE.match(e.name) and e.is_dir(follow_symlinks=False)
                )
        except OSError as exc:
            result.share_ok, result.share_state = False, share_error(exc, UNAVAILABLE)
            return
        state.forget_consoles_except(set(consoles) | {self.console_id})
        listings: dict[str, dict[str, tuple[int, float]]] = {}
        for console in consoles:
            if console == self.console_id:
                continue
            folder = self._folder() / console
            try:
                listings[console] = _list(folder)
            except OSError as exc:
                result.problems.append(f"{folder}: cannot list ({exc.strerror or exc})")
                continue
            state.seen_for(console)
            state.prune(console, listings[console])
        # The keys of every folder with news first (a re-issue is checked with the key of
        # another console); a folder with nothing new is not read, so its key needs no check.
        checked: dict[str, bool] = {}

        def trusted(console: str) -> bool:
            if console not in checked:
                checked[console] = self._trust(console, self._folder() / console, state, result)
            return checked[console]

        for console, listing in listings.items():
            if self._has_news(console, listing, state) or self._key_file_moved(console):
                trusted(console)
        pending: list[tuple[str, list[Op], str, int]] = []
        now_ms = to_ms(self.clock.now())
        waiting = 0  # ops and files read since the last flush
        for console, listing in listings.items():
            folder = self._folder() / console
            seen = state.seen_for(console)
            if not checked.get(console):
                continue
            self._answer_requests(console, listing, state, result)
            new = [
                (seg.parse_name(n), n, s, m)
                for n, (s, m) in listing.items()
                if not seg.is_ignorable(n)
                and not n.startswith(seg.NEED_PREFIX)
                and seen.get(n) != s
            ]
            for parsed, name, size, mtime in sorted(new, key=lambda t: t[0].first if t[0] else 0):
                rel = f"{console}/{name}"
                if parsed is None:
                    state.report(result, rel, size, "not a segment file (foreign file), ignored")
                    seen[name] = size
                    continue
                if self._have_range(console, parsed.first, parsed.last):
                    seen[name] = size
                    continue
                path = os.path.join(folder, name)  # a str: 10,000 Path objects cost ~0.3 s
                decoded = self._decode_file(path, rel, size, state, result)
                if decoded is None:
                    continue
                header_console = (decoded.header or {}).get("console_id")
                if header_console != console:
                    state.report(
                        result,
                        rel,
                        size,
                        f"segment of console {header_console!r} in folder {console!r}; skipped",
                    )
                    seen[name] = size
                    continue
                lie = None if decoded.problems else seg.name_problem(parsed, decoded.ops)
                if lie is not None:  # its ops are still checked one by one
                    state.report(result, rel, size, lie)
                self._check_skew(console, decoded, mtime, state, now_ms)
                pending.append((console, decoded.ops, rel, size))
                waiting += (
                    len(decoded.ops) + 1
                )  # a file counts too: many tiny files also make a batch
                if waiting >= MERGE_BATCH:
                    self._flush(pending, state, result)
                    waiting = 0
        self._flush(pending, state, result)
        self._relay_in(trusted, set(consoles), state, result)

    def _has_news(
        self, console: str, listing: dict[str, tuple[int, float]], state: SyncState
    ) -> bool:
        """Whether a console's folder holds a file not read yet, or a request not answered."""
        seen = state.seen_for(console)
        for name, (size, _mtime) in listing.items():
            if name.startswith(seg.NEED_PREFIX):
                if f"{console}/{name}" not in state.answered:
                    return True
            elif seen.get(name) != size and not seg.is_ignorable(name):
                return True
        return False

    def _bridge_to_folder(self, result: SyncResult) -> None:
        """A bridge: what the hub pass brought (consoles with no folder here) goes into our
        folder's relay, in the same pass."""
        try:
            self._relay_out(self._console_folders(), result)
        except OSError as exc:
            result.share_ok, result.share_state = False, share_error(exc, NOT_WRITABLE)

    def _console_folders(self) -> set[str]:
        try:
            with os.scandir(self.share) as entries:
                return {
                    e.name
                    for e in entries
                    if seg.CONSOLE_DIR_RE.match(e.name) and e.is_dir(follow_symlinks=False)
                }
        except OSError:
            return set()

    def _answer_requests(
        self,
        console: str,
        listing: dict[str, tuple[int, float]],
        state: SyncState,
        result: SyncResult,
    ) -> None:
        """Another console read a damaged segment of ours and asks for the range again.

        Requests are merged into one span per console and answered at most once a minute,
        at most REPUBLISH_MAX_OPS ops a pass: a folder full of requests (damaged, or
        written to make us fill the share) costs one bounded rewrite, not one per file."""
        spans = []
        for name in listing:
            request = seg.parse_need(name) if name.startswith(seg.NEED_PREFIX) else None
            rel = f"{console}/{name}"
            if request is None or request[0] != self.console_id or rel in state.answered:
                continue
            state.answered[rel] = 1
            spans.append((request[1], request[2]))
        last_answer = state.answered.get(f"{console}/", 0)
        if not spans or time.time() - last_answer < REPUBLISH_EVERY_S:
            return
        first = max(1, min(a for a, _ in spans))
        last = min(max(b for _, b in spans), state.published, first + REPUBLISH_MAX_OPS - 1)
        ops = self._own_ops(first, last) if first <= last else []
        try:
            if ops:
                self._write(self._folder() / self.console_id, ops, state)
                result.problems.append(
                    f"{self._folder() / console}: console {console} asked for seq {first}-{last} "
                    "again; republished"
                )
            state.answered[f"{console}/"] = int(time.time())
        except OSError as exc:
            result.share_ok, result.share_state = False, share_error(exc, NOT_WRITABLE)

    def _request(self, console: str, first: int, last: int) -> None:
        """Ask the owner of a damaged segment to publish its range again (a few requests
        per console a pass: a folder of damaged files must not fill ours with requests)."""
        if self._requests_left.get(console, REQUESTS_PER_PASS) <= 0:
            return
        self._requests_left[console] = self._requests_left.get(console, REQUESTS_PER_PASS) - 1
        path = self._folder() / self.console_id / seg.need_name(console, first, last)
        # best effort: the owner's compaction also heals the hole
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o640 if self.share_group else 0o600))

    def _flush(
        self, pending: list[tuple[str, list[Op], str, int]], state: SyncState, result: SyncResult
    ) -> None:
        by_console: dict[str, list[tuple[Op, str, int]]] = {}
        for console, ops, rel, size in pending:
            by_console.setdefault(console, []).extend((op, rel, size) for op in ops)
        for console in set(self._bad_records) - set(by_console):
            by_console[console] = []
        self._admit_all(by_console, state, result)
        self._merge_admitted(state, result)
        for console, _ops, rel, size in pending:
            if rel not in self._held:
                state.seen_for(console)[rel.split("/", 1)[1]] = size
        for console in self._reread:
            self._read_again(state, console)
        self._reread.clear()
        self._held.clear()
        self._held_seqs.clear()  # merges (and re-issues) changed what is held
        pending.clear()

    def _key_file_moved(self, console: str) -> bool:
        """Whether a console's key file changed since its key was last checked, or that was
        KEY_RECHECK_S ago: a replaced key is reported even while its folder is quiet."""
        mark = _file_mark(self._folder() / console / keys.PUBLIC_KEY_FILE)
        known = self._key_marks.get(console)
        return known is None or known[0] != mark or time.monotonic() - known[1] >= KEY_RECHECK_S

    def _trust(self, console: str, folder: Path, state: SyncState, result: SyncResult) -> bool:
        """Whether this pass may read a console's folder: its key is published, pinned (first
        sight) or matches the pinned one, and the console is not waiting for approval or revoked."""
        rel = f"{console}/{keys.PUBLIC_KEY_FILE}"
        self._key_marks[console] = (_file_mark(folder / keys.PUBLIC_KEY_FILE), time.monotonic())
        published = peers.read_public_key(folder)
        if published is None:
            state.report(
                result,
                rel,
                None,
                f"console {console} publishes no readable key; its operations wait",
            )
            return False
        return self._pin(console, published, rel, state, result)

    def _pin(
        self, console: str, public_key: str, rel: str, state: SyncState, result: SyncResult
    ) -> bool:
        """Pin a console's key on first sight (or check it against the pinned one); whether its
        operations may be read this pass (approved, key unchanged). rel names where the key
        was found (a folder's key file, or the hub) in messages."""
        if self._peers_now is None:  # every peer's row, read once a pass
            self._peers_now = {p.console_id: p for p in peers.list_peers(self.store)}
        peer = peers.pin(
            self.store,
            console,
            public_key,
            self.clock.now(),
            self.require_approval,
            self._peers_now.get(console),
            self._seen_now,
        )
        self._peers_now[console] = peer
        if peer.key_mismatch:
            state.report(
                result,
                rel,
                None,
                f"console {console}'s key changed to {keys.fingerprint(public_key)} "
                f"(pinned {peer.fingerprint}); refused. If it was re-installed on purpose: "
                f"command-console peers approve {console}",
            )
            return False
        if peer.status != peers.APPROVED:
            state.report(
                result,
                rel,
                None,
                f"console {console} is {peer.status} ({peer.fingerprint}); its operations "
                f"wait. To accept it: command-console peers approve {console}",
            )
            return False
        state.bad.pop(rel, None)
        self._peer_keys[console] = public_key
        return True

    def _check_skew(
        self, console: str, decoded: seg.Decoded, mtime: float, state: SyncState, now_ms: int
    ) -> None:
        """The writer's clock (header) against the share's (mtime) and, if ahead, against ours.

        Operation stamps are not used: a hybrid clock stays ahead after a skewed clock is fixed.
        """
        created = (decoded.header or {}).get("created_ms")
        if not isinstance(created, int):
            return
        versus_share = created - int(mtime * 1000)
        versus_us = created - now_ms  # a file cannot be written in our future (now: this pass)
        if abs(versus_share) <= SKEW_LIMIT_MS and versus_us <= SKEW_LIMIT_MS:
            state.note_skew(console, None)  # the usual case, without building the text
        elif abs(versus_share) > SKEW_LIMIT_MS:
            state.note_skew(console, _skew_text(f"console {console}", versus_share, "the share"))
        else:
            state.note_skew(
                console,
                _skew_text(f"console {console}", versus_us if versus_us > 0 else 0, "this console"),
            )

    def _decode_file(
        self, path: Path | str, rel: str, size: int, state: SyncState, result: SyncResult
    ) -> seg.Decoded | None:
        if size > seg.MAX_SEGMENT_BYTES:
            state.report(result, rel, size, f"{size} bytes: too large for a segment, not read")
            return None
        try:
            data = seg.read_bounded(path, seg.MAX_SEGMENT_BYTES)
        except FileNotFoundError:
            return None  # replaced by compaction while we listed: the new file has the ops
        except PermissionError:
            result.unreadable += 1
            result.problems.append(
                f"{path}: not readable by this OS user; see README (group-shared mode)"
            )
            return None
        except OSError as exc:
            result.problems.append(f"{path}: cannot read ({exc.strerror or exc}); will retry")
            return None
        result.files_read += 1
        decoded = seg.decode(data)
        if decoded.bad_records:
            console = rel.split("/", 1)[0]
            self._bad_records.setdefault(console, []).extend(
                (seq, rel, why, record) for seq, why, record in decoded.bad_records
            )
        if decoded.problems:
            state.report(
                result,
                rel,
                size,
                "; ".join(decoded.problems[:3])
                + ("" if decoded.fatal else "; intact records applied"),
            )
            console, name = rel.split("/", 1)
            parsed = seg.parse_name(name)
            if console != self.console_id and parsed is not None:
                self._request(console, parsed.first, parsed.last)
        if decoded.fatal:
            if rel.split("/", 1)[0] != self.console_id:
                state.seen_for(rel.split("/", 1)[0])[rel.split("/", 1)[1]] = size
            return None
        return decoded
