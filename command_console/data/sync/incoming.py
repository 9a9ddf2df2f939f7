"""Sync, operations read from other consoles: checked one by one at the door, refused ones
kept aside, the rest merged in short transactions.

A mixin of Syncer (sync/__init__.py), like OwnFolder: it reads the Syncer's store, clock
and the keys pinned this pass (`_peer_keys`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from command_console.core.clock import to_ms
from command_console.core.op_schema import REISSUE
from command_console.core.ops import GENESIS_HASH, Op, original_of
from command_console.data.sync import admit, keys, lookup, peers
from command_console.data.sync.host import Located, SyncHost
from command_console.data.sync.lookup import Lookup
from command_console.i18n import _

if TYPE_CHECKING:
    from collections.abc import Callable

    from command_console.data.sync import SyncResult
    from command_console.data.sync.state import SyncState

MERGE_SLICE = 200  # ops per write transaction while others write here too
MERGE_SLICE_IDLE = 500  # ... and while nobody else does
MERGE_PAUSE_BUSY = 0.02  # seconds between transactions while others write
MERGE_PAUSE_IDLE = 0.001


class Incoming(SyncHost):
    def _apply(
        self, console: str, items: list[Located], state: SyncState, result: SyncResult
    ) -> list[Op]:
        """Check ops of one console one by one and merge those that pass (`_admit`, then
        `_merge_admitted`). Returns the ops that were new here."""
        self._admit(console, items, state, result)
        return self._merge_admitted(state, result)

    def _admit(
        self, console: str, items: list[Located], state: SyncState, result: SyncResult
    ) -> None:
        """Check ops of one console one by one (schema, namespace, time, chain, signature), keep
        the refused ones aside, hold back those stamped in our future, and set the rest aside
        for `_merge_admitted`: a pass admits every console's ops, then merges them in one
        go. A console is admitted at most once before each merge (its chain is checked
        against what is held)."""
        public_key = self._peer_keys.get(console)
        now_ms = to_ms(self.clock.now())
        items = sorted(items, key=lambda t: t[0].seq)
        local = self._local_ids(
            console, [op.seq for op, _, _ in items] + [op.seq - 1 for op, _, _ in items]
        )
        carried = self._carried([op.id for op, _, _ in items])
        taken: dict[int, tuple[Op, str]] = {}
        refused: list[tuple[Op, str, str]] = []
        for op, where, where_size in items:
            if op.id in carried:  # a re-issue holds it already (a copy that took a new id wrote it)
                if carried[op.id] != op.hash:
                    refused.append(
                        (op, where, _("differs from the copy a re-issue carries (tampered)"))
                    )
                continue
            known = local.get(op.seq)
            if known and known[0] == op.id:  # held already (e.g. re-read in a compacted file)
                if known[1] != op.hash:
                    refused.append(
                        (op, where, "differs from the copy this console holds (tampered)")
                    )
                continue
            why = admit.problem(op, console)
            wait = False
            if why is None and op.kind == REISSUE:
                why, wait = self._original_problem(op)
            if wait:
                self._held.add(where)
                state.report(
                    result,
                    where,
                    where_size,
                    _("seq {seq}: {why}; held back").format(seq=op.seq, why=why),
                )
                continue
            if why is not None:
                refused.append((op, where, why))
                continue
            late = admit.ahead(op, now_ms) or admit.ahead(original_of(op), now_ms)
            if late:
                self._held.add(where)
                result.held += 1
                state.report(
                    result,
                    where,
                    where_size,
                    f"seq {op.seq}: stamped {late // 60000 + 5} min or more ahead "
                    "of this console's clock; held back until then",
                )
                continue
            have = taken.get(op.seq)
            if have and have[0].id == op.id:
                continue
            if known or have:  # two ops at one seq: a forgery, or two consoles sharing this id
                if not self._signed(console, op):
                    refused.append(
                        (
                            op,
                            where,
                            f"signature does not verify with the key pinned for console {console}",
                        )
                    )
                    continue
                if have and not self._signed(
                    console, have[0]
                ):  # the one read first was the forgery
                    refused.append(
                        (
                            have[0],
                            have[1],
                            f"signature does not verify with the key pinned for console {console}",
                        )
                    )
                    del taken[op.seq]
                else:
                    state.report(
                        result,
                        where,
                        where_size,
                        self._duplicate_text(console, op.seq, own=console == self.console_id),
                        dup=True,
                    )
                    continue
            pred = taken.get(op.seq - 1)
            pred_hash = (
                pred[0].hash if pred else (local[op.seq - 1][1] if op.seq - 1 in local else None)
            )
            if op.seq == 1:
                pred_hash = GENESIS_HASH
            if pred_hash is not None and op.prev_hash != pred_hash:
                refused.append((op, where, admit.CHAIN_BROKEN))
                continue
            taken[op.seq] = (op, where)
        forged = (
            admit.unsigned([op for op, _ in taken.values()], public_key)
            if public_key
            else set(taken)
        )
        for seq in sorted(forged):
            op, where = taken.pop(seq)
            refused.append(
                (op, where, f"signature does not verify with the key pinned for console {console}")
            )
        for seq, why in self._reused_ids(taken).items():
            op, where = taken.pop(seq)
            refused.append((op, where, why))
        self._quarantine(console, refused, result)
        self._admitted.update((op.id, op) for op, _ in taken.values())

    def _admit_all(
        self, batches: dict[str, list[Located]], state: SyncState, result: SyncResult
    ) -> None:
        """`_admit` for several consoles, in one read transaction, with what is held here
        about all their ops read in a few statements (lookup.py)."""
        with self.store.snapshot():
            self._lookup = Lookup.read(
                self.store, {c: [op for op, _, _ in items] for c, items in batches.items()}
            )
            try:
                for console in sorted(batches):
                    self._admit(console, batches[console], state, result)
            finally:
                self._lookup = None

    def _merge_admitted(self, state: SyncState, result: SyncResult) -> list[Op]:
        """Merge every op admitted since the last merge; returns those that were new here."""
        admitted, self._admitted = list(self._admitted.values()), {}
        if not admitted:
            return []
        new = self._merge_in_slices(admitted, lambda: self._publish_during(state, result))
        self._note_reissues(new)
        result.applied += len(new)
        result.applied_from.update(op.console_id for op in new)
        return new

    def _reused_ids(self, taken: dict[int, tuple[Op, str]]) -> dict[int, str]:
        """seq -> why, for the ops whose id is already held (or taken in this batch) as
        another operation: a record that copies an op id at another seq or console. Merged,
        it would be dropped without a word, or drop the real one if it came first."""
        first_seq: dict[str, int] = {}
        found: dict[int, str] = {}
        for seq in sorted(taken):
            op_id = taken[seq][0].id
            if op_id in first_seq:
                found[seq] = _("op id {id} is used twice in this folder (seq {a} and {b})").format(
                    id=op_id, a=first_seq[op_id], b=seq
                )
            else:
                first_seq[op_id] = seq
        for op_id, seq in first_seq.items():
            other = self._admitted.get(op_id)
            if other is not None:  # admitted from another console this pass, not merged yet
                found[seq] = _(
                    "op id {id} is already held as console {console} seq {seq} (a copied id)"
                ).format(id=op_id, console=other.console_id, seq=other.seq)
        ids = list(first_seq)
        if self._lookup is not None and self._lookup.ids.issuperset(ids):
            held = {i: self._lookup.placed[i] for i in ids if i in self._lookup.placed}
        else:
            held = lookup.placed(self.store, ids)
        for op_id, (console, seq) in held.items():
            found[first_seq[op_id]] = _(
                "op id {id} is already held as console {console} seq {seq} (a copied id)"
            ).format(id=op_id, console=console, seq=seq)
        return found

    def _signed(self, console: str, op: Op) -> bool:
        """Whether op carries its own good signature by the key pinned for console (checked
        one by one only where two ops claim one seq; chained runs are checked together)."""
        public_key = self._peer_keys.get(console)
        return bool(public_key and op.sig and keys.signature_ok(public_key, op.hash, op.sig))

    def _quarantine(
        self, console: str, refused: list[tuple[Op, str, str]], result: SyncResult
    ) -> None:
        items: list[tuple[str, int, str, str, str, object]] = [
            (console, op.seq, where, op.id, why, op.as_dict()) for op, where, why in refused
        ]
        items += [
            (console, seq, where, "", why, record)
            for seq, where, why, record in self._bad_records.pop(console, [])
        ]
        if not items:
            return
        added = peers.quarantine(self.store, items, self.clock.now())
        if added:
            result.rejected[console] = result.rejected.get(console, 0) + added
            first = items[0]
            result.problems.append(
                f"{self._where(first[2])}: seq {first[1]}: {first[4]}; rejected"
                + (f" (+{added - 1} more from console {console})" if added > 1 else "")
            )

    def _where(self, rel: str) -> str:
        """A file in the share, or a row in the hub ("hub:<console>/<seq>")."""
        return rel if rel.startswith("hub:") or self.share is None else str(self.share / rel)

    def _merge_in_slices(
        self, ops: list[Op], meanwhile: Callable[[], None] | None = None
    ) -> list[Op]:
        """Merge in short transactions. While this data directory is also being written
        (the lead, or a writer process), pause between them so those writes (waiting on
        SQLite's write lock, retrying every <= 100 ms) always get in, and use the pause to
        publish what they wrote (`meanwhile`): a long merge must not hold this console's
        own operations back from the others. When nobody else writes, go on at once, so a
        backlog drains as soon as a burst ends."""
        ops = sorted(ops, key=lambda op: op.sort_key)
        new: list[Op] = []
        start, pause, busy = 0, MERGE_PAUSE_BUSY, True
        while start < len(ops):
            mark = self.store.head()
            if start:
                resume = time.monotonic() + pause
                if busy and meanwhile is not None:
                    meanwhile()
                time.sleep(max(0.0, resume - time.monotonic()))
            size = MERGE_SLICE if busy else MERGE_SLICE_IDLE
            began = time.monotonic()
            new += self.store.merge(ops[start : start + size], durable=False)  # see Store.merge
            held = time.monotonic() - began
            start += size
            busy = self._own_writes_since(mark)
            pause = min(0.2, max(MERGE_PAUSE_BUSY, held)) if busy else MERGE_PAUSE_IDLE
        return new

    def _own_writes_since(self, head: int) -> bool:
        """Whether this console's own operations were committed since head (rowids grow):
        the lead is writing, or a writer process on this data directory."""
        return bool(
            self.store.scalar(
                "SELECT 1 FROM ops WHERE rowid > ? AND console_id = ? LIMIT 1",
                head,
                self.console_id,
            )
        )
