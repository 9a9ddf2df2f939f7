"""A copied data directory given a new identity, and what other consoles do with it.

Two data directories with one console id (a copy) write different operations at the same
seqs; peers can keep only one per seq. `command-console sync --new-identity`, run on the
copy, gives it a new console id and key and writes each operation it held under the old
id again, as an `op.reissue` of its new id carrying the original unchanged (id, content,
signature). Then:
- receivers check the original as its own console's (schema, namespace, the signature by
  the key pinned for the old id) and fold it once, however it arrived (store.effective);
- the copy drops its rows under the old id and deletes the segment files it wrote in the
  old id's folder; a peer drops its rows of re-issued originals: the seqs are free for the
  other copy's operations, which then apply everywhere like any peer's;
- an operation of the old id that a re-issue carries is never stored again under that id.
The old private key stays in the data directory as `console.key.<old id>`.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from command_console import config as config_io
from command_console.core.errors import UserError
from command_console.core.incidents import new_console_id
from command_console.core.op_schema import REISSUE
from command_console.core.ops import Op, original_of
from command_console.data.store import RETIRED_KEY, Store, op_from_row
from command_console.data.sync import admit, keys, lookup, peers
from command_console.data.sync import segments as seg
from command_console.data.sync.host import SyncHost
from command_console.data.sync.state import ProcessLock, SyncState
from command_console.data.timestamps import to_iso
from command_console.i18n import _
from command_console.paths import write_private

if TYPE_CHECKING:
    from command_console.data.sync import Syncer, SyncResult
    from command_console.workspace import Workspace


@dataclass(frozen=True)
class NewIdentity:
    old: str
    new: str
    reissued: int  # operations written again under the new id
    finished_only: bool = False  # an interrupted change was completed; nothing re-issued


class Reissues(SyncHost):
    """Syncer mixin: re-issues as they cross the door, and what they free."""

    def _carried(self, op_ids: list[str]) -> dict[str, str]:
        """op id -> hash, for the ids among op_ids that a held re-issue carries (or one
        admitted this pass, about to be merged)."""
        found: dict[str, str] = {}
        wanted = set(op_ids)
        for op in self._admitted.values():
            if op.kind == REISSUE and (original := original_of(op)).id in wanted:
                found[original.id] = original.hash
        if self._lookup is not None and self._lookup.ids.issuperset(op_ids):
            found.update((i, self._lookup.carried[i]) for i in op_ids if i in self._lookup.carried)
        else:
            found.update(lookup.carried(self.store, op_ids))
        return found

    def _original_problem(self, op: Op) -> tuple[str | None, bool]:
        """(why a re-issue's original cannot be trusted, whether to wait and read it again)."""
        original = original_of(op)
        console = original.console_id
        if console == self.console_id:
            key = self.signer.public_key if self.signer is not None else None
        else:
            peer = peers.get(self.store, console)
            if peer is None:
                return _(
                    "re-issues an operation of console {id}, whose key this console has never pinned"
                ).format(id=console), False
            if peer.status == peers.REVOKED:
                return _(
                    "re-issues an operation of console {id}, whose key this console has revoked"
                ).format(id=console), False
            if peer.status != peers.APPROVED:
                return _("re-issues an operation of console {id}, which waits for approval").format(
                    id=console
                ), True
            key = peer.public_key
        if not key or not original.sig or not keys.signature_ok(key, original.hash, original.sig):
            return _(
                "the re-issued operation's signature does not verify with the key pinned for console "
                "{id}"
            ).format(id=console), False
        admitted = self._admitted.get(original.id)
        held = (
            admitted.hash
            if admitted is not None
            else self.store.scalar("SELECT hash FROM ops WHERE id = ?", original.id)
        )
        if held is not None and held != original.hash:
            return _(
                "re-issues an operation that differs from the copy this console holds (tampered)"
            ), False
        return None, False

    def _note_reissues(self, merged: list[Op]) -> None:
        """Consoles whose folders to read again: re-issues just freed seqs of theirs."""
        for op in merged:
            if op.kind == REISSUE:
                self._reread.add(original_of(op).console_id)

    def _read_again(self, state: SyncState, console: str) -> None:
        """Read a console's folder again: re-issues freed seqs its other copy also wrote.
        What was refused as a broken chain there (the two copies' runs interleaved) is
        checked again too."""
        state.read_again(console)
        peers.forget_refused(self.store, console, admit.CHAIN_BROKEN)

    def _delete_retired(self, state: SyncState, result: SyncResult) -> None:
        """Delete the segments this data dir wrote under a console id it gave up: the
        re-issues carry their operations, and the other copy of that id owns the folder now."""
        for console, files in list(state.retired.items()):
            folder = self._folder() / console
            for name, size in list(files.items()):
                try:
                    info = os.lstat(folder / name)
                    if info.st_size == size and not os.path.islink(folder / name):
                        os.unlink(folder / name)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    result.problems.append(
                        _("{path}: cannot delete ({reason}); will retry").format(
                            path=folder / name, reason=exc.strerror or exc
                        )
                    )
                    continue
                del files[name]
            if not files:
                del state.retired[console]

    def _identity_unfinished(self) -> str | None:
        if (
            self.store.scalar("SELECT value FROM meta WHERE key = ?", RETIRED_KEY + self.console_id)
            is None
        ):
            return None
        return _(
            "this data directory gave up console id {id} (sync --new-identity): restart this console, or "
            "run `command-console sync --new-identity` again to finish an interrupted change"
        ).format(id=self.console_id)


def new_identity(syncer: Syncer) -> NewIdentity:
    """Give this data directory a new console id and key and re-issue what it holds under the
    old id (see the module text). Under the sync locks; one database transaction decides it."""
    workspace, store = syncer.workspace, syncer.store
    root = workspace.paths.root
    with syncer._lock, ProcessLock(syncer.lock_path, True):
        old = workspace.config.console_id
        recorded = store.scalar("SELECT value FROM meta WHERE key = ?", RETIRED_KEY + old)
        if recorded is not None:  # interrupted after the database had decided: finish it
            new = json.loads(recorded)["new"]
            _switch(workspace, old, new)
            return NewIdentity(old, new, 0, finished_only=True)
        new = _fresh_id(store, syncer.share, old)
        signer, pem = keys.generate()
        kept = root / f"{keys.KEY_FILE}.{old}"
        if not kept.exists():
            write_private(kept, (root / keys.KEY_FILE).read_bytes(), replace=False)
        write_private(root / f"{keys.KEY_FILE}.{new}", pem)
        old_signer = store.signer
        store.console_id, store.signer = new, signer
        try:
            if old_signer is None:  # a workspace always loads its key; the files are undone below
                raise RuntimeError("this console has no signing key to re-issue with")
            count = _reissue(store, old, new, old_signer.public_key, workspace.clock.now())
        except BaseException:
            store.console_id, store.signer = old, old_signer
            (root / f"{keys.KEY_FILE}.{new}").unlink(missing_ok=True)
            raise
        _switch(workspace, old, new)
        syncer.console_id = new
        return NewIdentity(old, new, count)


def _fresh_id(store: Store, share: Path | None, old: str) -> str:
    for _attempt in range(100):
        candidate = new_console_id()
        taken = (
            store.scalar("SELECT 1 FROM ops WHERE console_id = ? LIMIT 1", candidate) is not None
        )
        if (
            candidate != old
            and not taken
            and not (share is not None and (share / candidate).exists())
        ):
            return candidate
    raise UserError(_("could not find a console id that is not in use"))


def _reissue(store: Store, old: str, new: str, old_public_key: str, now: datetime) -> int:
    """One transaction: the re-issues, a shift under the new id for the lead on shift, the
    old rows dropped, the old id pinned as a peer (its other copy), the sync bookkeeping
    moved to the new id and the change recorded."""
    state = SyncState.load(store)
    with store.transaction() as conn:
        originals = [
            original_of(op_from_row(row))
            for row in conn.execute(
                "SELECT * FROM ops WHERE console_id = ? ORDER BY seq", (old,)
            ).fetchall()
        ]
        changes = [
            (REISSUE, {"original": op.as_dict()}) for op in originals if op.console_id != new
        ]
        lead = conn.execute(
            "SELECT lead FROM shifts WHERE ended_at IS NULL AND console_id = ? "
            "ORDER BY started_at DESC LIMIT 1",
            (old,),
        ).fetchone()
        if lead:
            from command_console.data.shift import start_payload

            changes.append(
                ("shift.start", start_payload(store, f"{new}-{uuid.uuid4().hex[:6]}", lead[0]))
            )
        store.append_in(conn, changes)
        conn.execute("DELETE FROM ops WHERE console_id = ?", (old,))
        conn.execute(
            "INSERT OR IGNORE INTO peers (console_id, public_key, status, first_seen, last_seen, rejected, "
            "key_mismatch) VALUES (?, ?, ?, ?, ?, 0, '')",
            (old, old_public_key, peers.APPROVED, to_iso(now), to_iso(now)),
        )
        conn.execute(
            "UPDATE peers SET public_key = ?, status = ?, key_mismatch = '' WHERE console_id = ?",
            (old_public_key, peers.APPROVED, old),
        )
        conn.execute(
            "DELETE FROM quarantine WHERE console_id = ? AND reason = ?", (old, admit.CHAIN_BROKEN)
        )
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (RETIRED_KEY + old, json.dumps({"new": new})),
        )
        _move_bookkeeping(state, old)
        state.save_in(conn)
    return len(originals)


def _move_bookkeeping(state: SyncState, old: str) -> None:
    """Our files in the old folder are to be deleted; nothing is published under the new id
    yet; the old folder is read from scratch, as another console's."""
    retired = state.retired.setdefault(old, {})
    retired.update({name: entry[2] for name, entry in state.own.items()})
    state.published = 0
    state.own.clear()
    state.ownseen.clear()
    state.seen.pop(old, None)
    state.skew.pop(old, None)
    for rel in [r for r in state.bad if r.split("/", 1)[0] == old]:
        del state.bad[rel]


def _switch(workspace: Workspace, old: str, new: str) -> None:
    """After the database decided: the new key and console_id take effect."""
    root = workspace.paths.root
    staged = root / f"{keys.KEY_FILE}.{new}"
    if staged.exists():
        os.replace(staged, root / keys.KEY_FILE)
        seg.fsync_dir(root)
    config_io.save(workspace.paths, replace(workspace.config, console_id=new))
    workspace.__dict__.pop("config", None)
    store = workspace.__dict__.get("store")
    if store is not None:
        store.console_id, store.signer = new, keys.load_or_create(root)
