"""Sync, the hub side of a pass: publish to the PostgreSQL hub, pull everyone else's rows.

A mixin of Syncer (sync/__init__.py), like OwnFolder and Incoming: pulled rows go through
Incoming._apply, the same door as segment files. Bookkeeping in the local `meta` table:
  hub.url        the hub this bookkeeping is about (another URL starts it afresh)
  hub.rowid      highest local ops rowid published (rowids grow with every commit, so ops
                 merged late into a hole of another console are published too)
  hub.pulled     {console: highest seq read from the hub}
  hub.sent       {console: highest seq published}: a hub whose head for a console is below
                 it lost rows (a standby promoted before it had them), published again
A console that syncs both a folder and the hub is a bridge: it publishes to the hub every
console's ops it holds, not only its own (its role needs `hub grant ROLE '*'`).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from command_console.core.ops import Op
from command_console.data.store import op_from_row
from command_console.data.sync import keys, peers
from command_console.data.sync.host import SyncHost
from command_console.data.sync.hub import (
    PUBLISH_BATCH,
    PULL_BATCH,
    HubError,
    HubLink,
    HubRefused,
    shown_url,
)
from command_console.i18n import _

if TYPE_CHECKING:
    from command_console.data.sync import SyncResult
    from command_console.data.sync.state import SyncState

PULL_BUDGET = 50_000  # ops read from the hub per pass; the next pass goes on
PULL_MIN_EACH = 100  # rows per console and round trip at least, however many consoles
SWEEP_EVERY_S = 60  # look for holes a bridge may have filled late
RETRY_AFTER_S = (1, 2, 5, 10, 30)  # after consecutive failures; the console stays quick
PUBLISH_OWN_SQL = (
    "SELECT *, rowid AS rid FROM ops WHERE rowid > ? AND console_id = ? ORDER BY rowid LIMIT ?"
)
PUBLISH_ALL_SQL = "SELECT *, rowid AS rid FROM ops WHERE rowid > ? ORDER BY rowid LIMIT ?"


class HubState:
    def __init__(self, store, url: str) -> None:
        values = dict(
            store.rows("SELECT key, value FROM meta WHERE key >= 'hub.' AND key < 'hub/'")
        )
        same_hub = _json(values.get("hub.url")) == url
        self.url = url
        self.rowid = int(_json(values.get("hub.rowid")) or 0) if same_hub else 0
        pulled = _json(values.get("hub.pulled")) if same_hub else None
        self.pulled: dict[str, int] = {
            str(c): int(s) for c, s in (pulled or {}).items() if isinstance(s, int)
        }
        sent = _json(values.get("hub.sent")) if same_hub else None
        self.sent: dict[str, int] = {
            str(c): int(s) for c, s in (sent or {}).items() if isinstance(s, int)
        }
        self._saved = self._values()

    def _values(self) -> dict[str, str]:
        return {
            "hub.url": json.dumps(self.url),
            "hub.rowid": json.dumps(self.rowid),
            "hub.pulled": json.dumps(self.pulled, sort_keys=True),
            "hub.sent": json.dumps(self.sent, sort_keys=True),
        }

    def save(self, store) -> None:
        current = self._values()
        if current == self._saved:
            return
        # Not flushed to disk (a flush each pass was a fifth of a busy watcher's time): the
        # WAL keeps commits in order, so a power cut that loses these marks loses the merges
        # they follow too, and the next pass reads and publishes again (both idempotent).
        with store.transaction(durable=False) as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", current.items()
            )
        self._saved = current


def _json(text):
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


class HubPass(SyncHost):
    hub: HubLink | None

    def _hub_pass(self, state: SyncState, result: SyncResult, reads: bool = True) -> None:
        result.hub_state = "ok"
        hub_state = HubState(self.store, self._hub_link().url)
        self._hub_now = hub_state
        try:
            self._hub_pass_with(hub_state, state, result, reads)
        finally:
            self._hub_now = None

    def _hub_pass_with(
        self, hub_state: HubState, state: SyncState, result: SyncResult, reads: bool
    ) -> None:
        if time.monotonic() < self._hub_retry_at:
            result.hub_ok = False
            result.hub_state = (self._last.hub_state if self._last else None) or _(
                "hub unavailable"
            )
            result.hub_unpublished = self._hub_unpublished(hub_state)
            return
        try:
            if reads:  # (re)connected before the heads are read (pacing.py unmutes it)
                self._hub_link().listen()
                heads = {head.console_id: head for head in self._hub_link().heads()}
                self._hub_publish(hub_state, heads, result)
                self._hub_pull(hub_state, heads, state, result)
            else:  # this console's new entries only (pacing.py)
                self._hub_publish_own(hub_state, result)
            self._hub_failures = 0
        except HubError as exc:
            self._hub_failures += 1
            delay = RETRY_AFTER_S[min(self._hub_failures, len(RETRY_AFTER_S)) - 1]
            self._hub_retry_at = time.monotonic() + delay
            refused = isinstance(exc, HubRefused)
            result.hub_ok = False
            result.hub_state = _("hub refused") if refused else _("hub unavailable")
            result.problems.append(
                _("hub {url}: {why}").format(url=shown_url(self._hub_link().url), why=exc)
            )
        hub_state.save(self.store)
        result.hub_unpublished = self._hub_unpublished(hub_state)

    # -- publish -------------------------------------------------------------------

    def _hub_publish(self, hub_state: HubState, heads: dict, result: SyncResult) -> None:
        if self.signer is None:
            return
        for console in [c for c, ok in self._hub_keys.items() if ok and c not in heads]:
            del self._hub_keys[console]  # no longer in the hub (a failed-over one): register again
        if not self._hub_registered(self.console_id, self.signer.public_key, result):
            return
        self._hub_republish_lost(hub_state, heads, result)
        self._hub_publish_new(hub_state, result)

    def _hub_publish_own(self, hub_state: HubState, result: SyncResult) -> None:
        if self.signer is not None and self._hub_registered(
            self.console_id, self.signer.public_key, result
        ):
            self._hub_publish_new(hub_state, result)

    def _hub_publish_new(self, hub_state: HubState, result: SyncResult) -> None:
        """Everything committed here since the rowid watermark: this console's ops (a bridge:
        every console's it may forward)."""
        bridge = self.share is not None
        while True:
            rows = (
                self.store.rows(PUBLISH_ALL_SQL, hub_state.rowid, PUBLISH_BATCH)
                if bridge
                else self.store.rows(
                    PUBLISH_OWN_SQL, hub_state.rowid, self.console_id, PUBLISH_BATCH
                )
            )
            if not rows:
                return
            ops = [op_from_row(row) for row in rows]
            ops = [op for op in ops if self._hub_may_forward(op.console_id, result)]
            ops.sort(key=lambda op: (op.console_id, op.seq))
            self._hub_link().publish(ops)
            hub_state.rowid = rows[-1].rid
            for op in ops:
                hub_state.sent[op.console_id] = max(hub_state.sent.get(op.console_id, 0), op.seq)
            result.published += sum(1 for op in ops if op.console_id == self.console_id)

    def _hub_publish_during(self, result: SyncResult) -> None:
        """In the pauses of a long merge (Incoming._merge_in_slices): publish what the lead (or
        a writer) committed meanwhile, so it reaches the others now, not when the pass ends.
        Only once this console is registered in the hub and the hub answers; trouble here is
        left for the pass to meet and report."""
        if self.hub is None or time.monotonic() < self._hub_retry_at:
            return
        if self._hub_keys.get(self.console_id) is not True:
            return
        hub_state = self._hub_now or HubState(self.store, self.hub.url)
        try:
            self._hub_publish_new(hub_state, result)
        except HubError:
            return
        if self._hub_now is None:
            hub_state.save(self.store)

    def _hub_republish_lost(self, hub_state: HubState, heads: dict, result: SyncResult) -> None:
        """Publish again what the hub once took but no longer holds: after a failover to a
        standby that had not replayed the last transactions, its head for a console is below
        what was sent. The local database still holds those ops (it is the acknowledgement)."""
        for console, sent in sorted(hub_state.sent.items()):
            head = heads[console].max_seq if console in heads else 0
            if head >= sent or not self._hub_may_forward(console, result):
                continue
            while head < sent:
                rows = self.store.rows(
                    "SELECT * FROM ops WHERE console_id = ? AND seq > ? AND seq <= ? "
                    "ORDER BY seq LIMIT ?",
                    console,
                    head,
                    sent,
                    PUBLISH_BATCH,
                )
                if not rows:
                    break
                self._hub_link().publish([op_from_row(row) for row in rows])
                head = rows[-1].seq
            result.problems.append(
                _(
                    "hub {url}: it held console {console} only up to seq {head} of {sent} "
                    "(a failover lost rows); published again"
                ).format(
                    url=shown_url(self._hub_link().url),
                    console=console,
                    head=heads[console].max_seq if console in heads else 0,
                    sent=sent,
                )
            )

    def _hub_may_forward(self, console: str, result: SyncResult) -> bool:
        """Whether this console's key is (or can be) registered in the hub, as ours."""
        known = self._hub_keys.get(console)
        if known is not None:
            return known
        if console == self.console_id:
            if self.signer is None:  # unsigned: nothing of ours goes to the hub
                return False
            public_key = self.signer.public_key
        else:
            peer = peers.get(self.store, console)
            if peer is None or peer.status != peers.APPROVED:
                self._hub_keys[console] = False
                return False
            public_key = peer.public_key
        return self._hub_registered(console, public_key, result)

    def _hub_registered(self, console: str, public_key: str, result: SyncResult) -> bool:
        known = self._hub_keys.get(console)
        if known is not None:
            return known
        try:
            held = self._hub_link().register(console, public_key)
        except HubError as exc:
            if console == self.console_id:
                raise
            result.problems.append(
                _("hub: console {console} not forwarded ({why})").format(console=console, why=exc)
            )
            self._hub_keys[console] = False
            return False
        ok = held == public_key
        if not ok:
            result.problems.append(
                _(
                    "hub: console id {console} is registered there with another key ({theirs}, "
                    "ours {ours}): two consoles use this id, or it was re-installed; nothing of it "
                    "published. Fix: on the copy, run `command-console sync --new-identity`"
                ).format(
                    console=console,
                    theirs=keys.fingerprint(held) if held else "?",
                    ours=keys.fingerprint(public_key),
                )
            )
        self._hub_keys[console] = ok
        return ok

    def _hub_unpublished(self, hub_state: HubState) -> int:
        return int(
            self.store.scalar(
                "SELECT count(*) FROM ops WHERE rowid > ? AND console_id = ?",
                hub_state.rowid,
                self.console_id,
            )
            or 0
        )

    # -- pull ----------------------------------------------------------------------

    def _hub_pull(
        self, hub_state: HubState, heads: dict, state: SyncState, result: SyncResult
    ) -> None:
        sweep = time.monotonic() - self._hub_swept >= SWEEP_EVERY_S
        if sweep:
            self._hub_swept = time.monotonic()
        budget = PULL_BUDGET
        wanted: dict[str, int] = {}  # console -> seq pulled so far
        for head in sorted(heads.values(), key=lambda h: h.console_id):
            console = head.console_id
            after = hub_state.pulled.get(console, 0)
            if console == self.console_id or budget <= 0:
                continue
            if head.max_seq <= after and not sweep:
                continue
            if not self._pin(console, head.public_key, f"hub:{console}", state, result):
                continue
            if sweep:
                budget -= self._hub_fill_hole(console, after, state, result)
            hub_state.pulled[console] = after
            if after < head.max_seq:
                wanted[console] = after
        while wanted and budget > 0:
            per = max(PULL_MIN_EACH, min(PULL_BATCH, budget) // len(wanted))
            rows = self._hub_link().pull_many(wanted, per)
            budget -= sum(len(r) for r in rows.values())
            held = self._hub_merge(rows, state, result)
            for console in list(wanted):
                got = rows.get(console, [])
                after = got[-1][0] if got else wanted[console]
                if console in held:
                    after = min(held[console]) - 1
                hub_state.pulled[console] = after
                if len(got) < per or console in held or after >= heads[console].max_seq:
                    del wanted[console]  # read to its head, or held back: the next pass goes on
                else:
                    wanted[console] = after

    def _hub_merge(
        self, rows: dict[str, list[tuple[int, str]]], state: SyncState, result: SyncResult
    ) -> dict[str, list[int]]:
        """Every console's rows through the door, then one merge; console -> the seqs held
        back (stamped in our future), which its watermark must not pass."""
        batches = {
            console: [
                item
                for seq, record in rows[console]
                if (item := self._hub_item(console, seq, record)) is not None
            ]
            for console in rows
        }
        self._admit_all(batches, state, result)
        self._merge_admitted(state, result)
        held: dict[str, list[int]] = {}
        for where in self._held:
            if where.startswith("hub:"):
                console, _slash, seq = where[4:].partition("/")
                held.setdefault(console, []).append(int(seq))
        self._held.clear()
        return held

    def _hub_fill_hole(
        self, console: str, pulled: int, state: SyncState, result: SyncResult
    ) -> int:
        """Read again the first run of seqs below the watermark that this console lacks (a
        bridge may have published them late). Returns the rows read."""
        first = self._first_hole(console)
        if first > pulled:
            return 0
        upto = self.store.scalar(
            "SELECT min(seq) - 1 FROM ops WHERE console_id = ? AND seq > ?", console, first
        )
        rows = self._hub_link().pull(console, first - 1, upto=min(upto or pulled, pulled))
        self._hub_merge({console: rows}, state, result)
        return len(rows)

    def _hub_item(self, console: str, seq: int, record: str) -> tuple[Op, str, int] | None:
        """A row as an (op, where, size) item for _apply; an unreadable record is kept aside
        (quarantined by _apply with the console's other refusals)."""
        where = f"hub:{console}/{seq}"
        try:
            value = json.loads(record)
            return Op.from_dict(value), where, len(record)
        except (TypeError, ValueError, RecursionError) as exc:
            why = _("row {seq} is not a valid operation: {why}").format(seq=seq, why=exc)
            self._bad_records.setdefault(console, []).append((seq, where, why, record[:4096]))
            return None

    def _first_hole(self, console: str) -> int:
        """The lowest seq of a console not held here (1 when none is held)."""
        held, top = self.store.rows(
            "SELECT count(*), max(seq) FROM ops WHERE console_id = ?", console
        )[0]
        if held == (top or 0):  # seqs are unique and from 1: all of 1..top are here
            return (top or 0) + 1
        row = self.store.scalar(
            "SELECT min(o.seq) + 1 FROM ops o WHERE o.console_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM ops p WHERE p.console_id = o.console_id AND p.seq = o.seq + 1)",
            console,
        )
        if not self.store.scalar("SELECT 1 FROM ops WHERE console_id = ? AND seq = 1", console):
            return 1
        return int(row or 1)
