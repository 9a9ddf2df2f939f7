"""What this database holds about a batch of incoming operations, read in a few statements.

The door (Incoming._admit) asks three things of every console's ops: which of their seqs
(and the seqs before them) are held here and as what, which of their ids a held re-issue
carries, and which of their ids are held at another place. Asked per console, a pass that
brings one op from each of fifty consoles made 150 small reads; `Lookup.read` answers for
every console of a pass at once, in the caller's read transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from command_console.core.ops import Op

if TYPE_CHECKING:
    from command_console.data.store import Store

CONSOLES_PER_READ = 100  # seq ranges per statement (SQLite allows 500 terms in a UNION)
IDS_PER_READ = 500  # bound values per IN (...)
T = TypeVar("T")


@dataclass
class Lookup:
    local: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    """(console, seq) -> (op id, hash) held here, over each console's asked range"""
    carried: dict[str, str] = field(default_factory=dict)
    """op id -> hash, for ids a held re-issue carries"""
    placed: dict[str, tuple[str, int]] = field(default_factory=dict)
    """op id -> (console, seq) where it is held"""
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    """console -> (lowest, highest) seq asked"""
    ids: set[str] = field(default_factory=set)
    """the op ids asked"""

    @classmethod
    def read(cls, store: Store, batches: dict[str, list[Op]]) -> Lookup:
        found = cls()
        found.ranges = {
            console: (min(op.seq for op in ops) - 1, max(op.seq for op in ops))
            for console, ops in batches.items()
            if ops
        }
        found._read_local(store)
        found.ids = {op.id for ops in batches.values() for op in ops}
        found.carried = carried(store, sorted(found.ids))
        found.placed = placed(store, sorted(found.ids))
        return found

    def _read_local(self, store: Store) -> None:
        one = (
            "SELECT console_id, seq, id, hash FROM ops WHERE console_id = ? AND seq BETWEEN ? AND ?"
        )
        for chunk in _chunks(sorted(self.ranges), CONSOLES_PER_READ):
            params: list[object] = []
            for console in chunk:
                params += [console, *self.ranges[console]]
            for console, seq, op_id, digest in store.rows(
                " UNION ALL ".join([one] * len(chunk)), *params
            ):
                self.local[(console, seq)] = (op_id, digest)

    def covers(self, console: str, seqs: Iterable[int]) -> bool:
        low_high = self.ranges.get(console)
        return low_high is not None and all(low_high[0] <= s <= low_high[1] for s in seqs)

    def local_ids(self, console: str, seqs: Iterable[int]) -> dict[int, tuple[str, str]]:
        return {s: self.local[(console, s)] for s in seqs if (console, s) in self.local}


def carried(store: Store, op_ids: list[str]) -> dict[str, str]:
    """op id -> hash, for the ids among op_ids that a held re-issue carries."""
    found: dict[str, str] = {}
    if not op_ids or store.scalar("SELECT 1 FROM reissued LIMIT 1") is None:
        return found
    for chunk in _chunks(op_ids, IDS_PER_READ):
        found.update(
            store.rows(
                f"SELECT op_id, hash FROM reissued WHERE op_id IN ({_marks(chunk)})",  # noqa: S608 - only ? placeholders are interpolated; values are bound
                *chunk,
            )
        )
    return found


def placed(store: Store, op_ids: list[str]) -> dict[str, tuple[str, int]]:
    """op id -> (console, seq), for the ids among op_ids held here."""
    found: dict[str, tuple[str, int]] = {}
    for chunk in _chunks(op_ids, IDS_PER_READ):
        for op_id, console, seq in store.rows(
            f"SELECT id, console_id, seq FROM ops WHERE id IN ({_marks(chunk)})",  # noqa: S608 - only ? placeholders are interpolated; values are bound
            *chunk,
        ):
            found[op_id] = (console, seq)
    return found


def _chunks(values: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _marks(chunk: list[str]) -> str:
    return ",".join("?" * len(chunk))
