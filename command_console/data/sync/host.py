"""What Syncer's mixins (OwnFolder, Incoming, Reissues, HubPass, Relay) read from the Syncer
they are mixed into, declared for the type checker: Syncer.__init__ sets the attributes and
the mixins define the methods. At run time this base only narrows the optional share and hub."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from command_console.core.clock import Clock
    from command_console.core.ops import Op
    from command_console.data.store import Store
    from command_console.data.sync import SyncResult
    from command_console.data.sync import segments as seg
    from command_console.data.sync.hub import HubLink
    from command_console.data.sync.hub_pass import HubState
    from command_console.data.sync.keys import Signer
    from command_console.data.sync.lookup import Lookup
    from command_console.data.sync.peers import Peer
    from command_console.data.sync.state import SyncState


Located = tuple[
    "Op", str, int
]  # an operation, where it was read (file or hub row), that file's size


class SyncHost:
    if TYPE_CHECKING:
        store: Store
        console_id: str
        share: Path | None  # None: no shared folder (a hub only, or sync off)
        share_group: bool
        clock: Clock
        signer: Signer | None
        compact_age_s: float
        hub: HubLink | None
        _doomed: list[str]
        _held: set[str]
        _peer_keys: dict[str, str]
        _admitted: dict[str, Op]  # op id -> op checked this pass, not merged yet
        _lookup: Lookup | None  # what is held about the ops being admitted (Incoming._admit_all)
        _key_marks: dict[str, tuple[object, float]]
        _peers_now: dict[str, Peer] | None
        _seen_now: set[str]
        _bad_records: dict[str, list[tuple[Any, ...]]]
        _reread: set[str]
        _hub_keys: dict[str, bool]
        _hub_failures: int
        _hub_retry_at: float
        _hub_swept: float
        _last: SyncResult | None
        _hub_now: HubState | None  # the bookkeeping of the hub pass under way

        def _hub_publish_during(self, result: SyncResult) -> None: ...

        _held_seqs: dict[str, list[int]]
        _requests_left: dict[str, int]
        require_approval: bool

        def _own_folder(self, state: SyncState, result: SyncResult) -> None: ...
        def _delete_retired(self, state: SyncState, result: SyncResult) -> None: ...
        def _read_again(self, state: SyncState, console: str) -> None: ...
        def _write(self, folder: Path, ops: list[Op], state: SyncState) -> str: ...
        def _relay_in(
            self,
            trusted: Callable[[str], bool],
            folder_consoles: set[str],
            state: SyncState,
            result: SyncResult,
        ) -> None: ...
        def _relay_out(self, folder_consoles: set[str], result: SyncResult) -> None: ...

        def _apply(
            self, console: str, items: list[Located], state: SyncState, result: SyncResult
        ) -> list[Op]: ...
        def _admit(
            self, console: str, items: list[Located], state: SyncState, result: SyncResult
        ) -> None: ...
        def _merge_admitted(self, state: SyncState, result: SyncResult) -> list[Op]: ...
        def _admit_all(
            self, batches: dict[str, list[Located]], state: SyncState, result: SyncResult
        ) -> None: ...
        def _carried(self, op_ids: list[str]) -> dict[str, str]: ...
        def _decode_file(
            self, path: Path, rel: str, size: int, state: SyncState, result: SyncResult
        ) -> seg.Decoded | None: ...
        def _duplicate_text(self, console: str, seq: int, own: bool) -> str: ...
        def _have_range(self, console: str, first: int, last: int) -> bool: ...
        def _max_own_seq(self) -> int: ...
        def _own_writes_since(self, head: int) -> bool: ...
        def _own_ops(self, first: int, last: int) -> list[Op]: ...
        def _local_ids(self, console: str, seqs: list[int]) -> dict[int, tuple[str, str]]: ...
        def _pin(
            self, console: str, public_key: str, rel: str, state: SyncState, result: SyncResult
        ) -> bool: ...
        def _note_reissues(self, merged: list[Op]) -> None: ...
        def _original_problem(self, op: Op) -> tuple[str | None, bool]: ...
        def _publish_during(self, state: SyncState, result: SyncResult) -> None: ...

    def _folder(self) -> Path:
        """The shared folder, in the passes that only run with one."""
        if self.share is None:
            raise RuntimeError("a folder pass without a shared folder")
        return self.share

    def _hub_link(self) -> HubLink:
        """The hub, in the passes that only run with one."""
        if self.hub is None:
            raise RuntimeError("a hub pass without a hub")
        return self.hub
