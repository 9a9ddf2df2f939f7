"""Sync, our own folder in the share: publish new operations, repair, adopt, compact.

A mixin of Syncer (sync.py): these methods write only under `<share>/<console_id>/`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from command_console.core.clock import to_ms
from command_console.core.ops import Op
from command_console.data.sync import peers
from command_console.data.sync import segments as seg
from command_console.data.sync.host import SyncHost
from command_console.data.sync.state import NOT_WRITABLE, UNAVAILABLE, SyncState, share_error
from command_console.i18n import _

if TYPE_CHECKING:
    from command_console.data.sync import SyncResult

SKEW_LIMIT_MS = 5 * 60 * 1000
COMPACT_MAX_OPS = 32_768
COMPACT_AGE_S = 10  # others sync every second: by then they hold what a merge would repeat
COMPACT_KEEP = 8  # older files left as they are
COMPACT_BUDGET = 4_000  # ops rewritten per pass at most (one bigger merge is allowed alone)
TEMP_MAX_AGE_S = 600
COMPACT_BURST_FILES = 64  # own files at which compaction runs even while ops flow
PUBLISH_DURING_S = 0.3  # own ops written during a long merge: published this often


class OwnFolder(SyncHost):
    def _own_folder(self, state: SyncState, result: SyncResult) -> None:
        folder = self._folder() / self.console_id
        try:
            folder.mkdir(mode=0o750 if self.share_group else 0o700, exist_ok=True)
            if folder.is_symlink() or not folder.is_dir():
                result.share_ok, result.share_state = False, _("own folder refused")
                result.problems.append(
                    f"{folder}: this console's folder in the share is a link or not a folder; "
                    "nothing written (remove it; the next sync recreates it)"
                )
                return
            if self.signer is not None:
                self._peer_keys[self.console_id] = self.signer.public_key
                peers.publish_public_key(folder, self.signer.public_key)
            listing = list_files(folder)
        except OSError as exc:
            result.share_ok, result.share_state = False, share_error(exc, UNAVAILABLE)
            return
        state.prune(self.console_id, listing)
        repair: list[tuple[int, int]] = []
        for name in [n for n in state.own if n not in listing]:
            first, last = state.own.pop(name)[:2]
            repair.append((first, last))
            result.problems.append(
                f"{folder / name}: own segment missing from the share; republishing {first}-{last}"
            )
        for name, (size, mtime) in listing.items():
            if name.startswith(seg.TEMP_PREFIX):
                if time.time() - mtime > TEMP_MAX_AGE_S:
                    unlink_quietly(folder / name)
            elif name.startswith(seg.NEED_PREFIX):
                request = seg.parse_need(name)
                if request is None or self._have_range(*request):
                    unlink_quietly(folder / name)  # our request was answered
            elif seg.is_ignorable(name):
                continue
            elif name in state.own:
                if state.own[name][2] != size:
                    first, last = state.own.pop(name)[:2]
                    repair.append((first, last))
                    result.problems.append(
                        f"{folder / name}: own segment changed size on the share; republishing {first}-{last}"
                    )
                    unlink_quietly(folder / name)
            elif state.ownseen.get(name) != size:
                self._adopt_or_flag(folder, name, size, mtime, state, result)
        try:
            self._publish(folder, state, result, repair)
            if self._compaction_due(state):
                self._compact(folder, state, self._doomed)
        except OSError as exc:
            result.share_ok, result.share_state = False, share_error(exc, NOT_WRITABLE)

    def _publish(
        self, folder: Path, state: SyncState, result: SyncResult, repair: list[tuple[int, int]]
    ) -> None:
        for first, last in repair:
            ops = self._own_ops(first, last)
            if ops:
                self._write(folder, ops, state)
        top = self._max_own_seq()
        while state.published < top:
            ops = self._own_ops(
                state.published + 1, min(top, state.published + seg.MAX_SEGMENT_OPS)
            )
            if not ops:
                break
            self._write(folder, ops, state)
            state.published = ops[-1].seq
            result.published += len(ops)

    def _publish_during(self, state: SyncState, result: SyncResult) -> None:
        """Publish what this console wrote while a long merge of others' operations runs
        (called in its pauses, at most every PUBLISH_DURING_S): the writer's newest entries
        reach the share now, not when the pass ends. Only in a pass whose own folder was
        usable; a share error here is left for the next pass to report."""
        now = time.monotonic()
        if now - getattr(self, "_published_during", 0.0) < PUBLISH_DURING_S:
            return
        self._published_during = now
        if self.share is not None and result.share_ok and state.root == self.share:
            with contextlib.suppress(OSError):
                self._publish(self.share / self.console_id, state, result, [])
        self._hub_publish_during(result)

    def _write(self, folder: Path, ops: list[Op], state: SyncState) -> str:
        now_ms = to_ms(self.clock.now())
        name, size = seg.write_segment(
            folder, self.console_id, ops, now_ms, 0o640 if self.share_group else 0o600
        )
        state.own[name] = [ops[0].seq, ops[-1].seq, size, int(time.time())]
        try:
            mtime_ms = int(os.stat(folder / name).st_mtime * 1000)
        except OSError:
            return name
        state.note_skew(self.console_id, skew_text("this console", now_ms - mtime_ms, "the share"))
        return name

    def _compact(self, folder: Path, state: SyncState, doomed: list[str]) -> None:
        """Keep our folder short: while more than COMPACT_KEEP files are older than
        COMPACT_AGE_S (others have read them by then and skip the merged file), merge the
        adjacent pair with the fewest ops, rewriting at most COMPACT_BUDGET ops per pass.
        The merged-away files are deleted after the pass has saved its bookkeeping."""
        budget = COMPACT_BUDGET
        while True:
            cutoff = time.time() - self.compact_age_s
            files = sorted(
                ((n, e) for n, e in state.own.items() if (e[3] if len(e) > 3 else 0) <= cutoff),
                key=lambda kv: (kv[1][0], kv[1][1]),
            )
            if len(files) <= COMPACT_KEEP:
                return
            pairs = [
                (a[1][1] - a[1][0] + b[1][1] - b[1][0] + 2, i)
                for i, (a, b) in enumerate(itertools.pairwise(files))
                if a[1][2] + b[1][2] <= seg.MAX_SEGMENT_BYTES // 2
            ]  # readers refuse files past the limit
            pairs = [p for p in pairs if p[0] <= COMPACT_MAX_OPS]
            if not pairs:
                return
            total, i = min(pairs)
            if total > budget and budget < COMPACT_BUDGET:
                return
            (name_a, a), (name_b, b) = files[i], files[i + 1]
            first, final = min(a[0], b[0]), max(a[1], b[1])
            ops = self._own_ops(first, final)
            if len(ops) != final - first + 1:
                return  # a hole in our own log (restored backup): leave the files as they are
            state.own[self._write(folder, ops, state)][3] = 0  # merged files may merge again
            for name in (name_a, name_b):
                del state.own[name]
                doomed.append(name)
            budget -= total

    def _compaction_due(self, state: SyncState) -> bool:
        """Not while other consoles' operations are flowing in (the last pass applied
        some), unless our folder has grown past COMPACT_BURST_FILES: a rewrite then delays
        reading their newest files by up to a second on a busy machine, and the first pass
        that finds nothing new does it anyway."""
        last: SyncResult | None = getattr(self, "_last", None)  # set by Syncer.sync_once
        return last is None or not last.applied or len(state.own) > COMPACT_BURST_FILES

    def _adopt_or_flag(
        self, folder: Path, name: str, size: int, mtime: float, state: SyncState, result: SyncResult
    ) -> None:
        """A file in our folder we did not write: our own (a crash, a conflict copy) or not.

        It is adopted as ours only when every record in it is one of our operations that
        decodes, verifies and is what we hold (ops we lacked, from a backup, are merged
        first through the same door as a peer's), and its name claims the range it holds.
        Anything else is reported and the file is left alone: a name's range is never
        believed on its own (compaction and repair trust what is in state.own)."""
        state.ownseen[name] = size
        rel = f"{self.console_id}/{name}"
        parsed = seg.parse_name(name)
        if parsed is None:
            state.report(result, rel, size, "not a segment file (foreign file), ignored")
            return
        decoded = self._decode_file(folder / name, rel, size, state, result)
        if decoded is None:
            if rel in state.bad:  # damaged beyond reading (not a file compaction just replaced)
                refused(result, self.console_id, 1)
            return
        if (decoded.header or {}).get("console_id") != self.console_id:
            state.report(
                result,
                rel,
                size,
                f"segment of console {(decoded.header or {}).get('console_id')!r} "
                f"in this console's folder {self.console_id!r}; skipped",
            )
            refused(result, self.console_id, max(1, len(decoded.ops)))
            return
        mine = [op for op in decoded.ops if op.console_id == self.console_id]
        if len(mine) != len(decoded.ops):
            state.report(
                result,
                rel,
                size,
                "operations of other consoles in this console's folder; skipped them",
            )
        carried = self._carried([op.id for op in mine])
        if mine and all(op.id in carried for op in mine):
            return  # written by a copy of this console before it took a new id; its re-issues carry them
        mine = [op for op in mine if op.id not in carried]
        problem = self._own_problem(mine, rel, size, state, result)
        if problem is None and not (decoded.problems or len(mine) != len(decoded.ops)):
            problem = self._name_problem(parsed, mine, decoded)
        if problem is not None or decoded.problems or len(mine) != len(decoded.ops):
            if problem is not None:
                state.report(result, rel, size, problem[0], dup=problem[1])
            refused(result, self.console_id, max(1, len(decoded.ops)))
            return
        first, last = mine[0].seq, mine[-1].seq
        state.ownseen.pop(name, None)
        if any(e[0] <= first and last <= e[1] for e in state.own.values()):
            self._doomed.append(name)  # a copy of what we hold in another file: remove it
        else:
            state.own[name] = [first, last, size, 0]  # ours: compaction folds it in

    @staticmethod
    def _name_problem(
        parsed: seg.SegmentName, ops: list[Op], decoded: seg.Decoded
    ) -> tuple[str, bool] | None:
        """A file of our ops is adopted under the range it holds, never the one its name
        claims (compaction and repair trust state.own): a name that lies is reported."""
        if decoded.bad_records:
            return _("{count} records in it are not operations; not adopted").format(
                count=len(decoded.bad_records)
            ), False
        lie = seg.name_problem(parsed, ops)
        if lie is not None:
            return _("{why}; not adopted").format(why=lie), False
        return None

    def _own_problem(
        self, ops: list[Op], rel: str, size: int, state: SyncState, result: SyncResult
    ) -> tuple[str, bool] | None:
        """(why, whether another console uses our id) when the ops of a file in our own
        folder are not all ours as we hold them; None when they are, after merging those
        we lacked. Sorts ops by seq."""
        if not ops:
            return _("no operation of this console in it; ignored"), False
        ops.sort(key=lambda op: op.seq)
        if len({op.seq for op in ops}) != len(ops):
            return _("two records claim one seq; ignored"), False
        local = self._own_ops_by_seq(ops[0].seq, ops[-1].seq)
        clashes = [op for op in ops if op.seq in local and local[op.seq].id != op.id]
        if clashes:
            return self._duplicate_text(self.console_id, clashes[0].seq, own=True), True
        tampered = [op for op in ops if op.seq in local and local[op.seq].to_json() != op.to_json()]
        if tampered:  # one of our ops, changed (content, hash or signature): never adopt it
            return _("seq {seq}: differs from this console's own copy (tampered); ignored").format(
                seq=tampered[0].seq
            ), False
        missing = [op for op in ops if op.seq not in local]
        if not missing:
            return None
        new = self._apply(self.console_id, [(op, rel, size) for op in missing], state, result)
        if new:
            result.problems.append(
                f"{state.path(rel)}: {len(new)} operations of this console id were in the share "
                "but not in this data directory (restored from a backup, or copied from another "
                "console); merged them"
            )
        if rel in self._held:
            state.ownseen.pop(rel.split("/", 1)[1], None)  # held back: read it again later
        if len(new) != len(missing):
            return _("{count} of its operations were not merged (see above); not adopted").format(
                count=len(missing) - len(new)
            ), False
        return None

    def _own_ops_by_seq(self, first: int, last: int) -> dict[int, Op]:
        return {op.seq: op for op in self._own_ops(first, last)}


def refused(result: SyncResult, console: str, count: int) -> None:
    """Count what this pass refused (sync exits non-zero and names it)."""
    result.rejected[console] = result.rejected.get(console, 0) + count


def list_files(folder: Path) -> dict[str, tuple[int, float]]:
    """Regular files in folder: name -> (size, mtime)."""
    found = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                if entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    found[entry.name] = (st.st_size, st.st_mtime)
            except OSError:
                continue
    return found


def unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def skew_text(who: str, ahead_ms: int, than: str) -> str | None:
    if abs(ahead_ms) <= SKEW_LIMIT_MS:
        return None
    minutes = abs(ahead_ms) / 60_000
    return (
        f"clock skew: {who} is {minutes:.0f} min {'ahead of' if ahead_ms > 0 else 'behind'} {than}"
    )
