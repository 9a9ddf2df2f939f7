"""The audit trail's walk of one console's hash chain (verify.py is the entry): a page of
operations at a time in seq order, gaps, hashes and links, and the lines it reports.
The local log, the share and the hub are walked with it (verify.py, verify_hub.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from command_console.core.ops import GENESIS_HASH, Op, validate
from command_console.data.store import Store, op_from_row
from command_console.data.sync.hub import PULL_BATCH
from command_console.i18n import N_, _, ngettext, pgettext

PAGE = PULL_BATCH  # operations the local and hub walks hold at once (per page)

# console -> seq -> hashes of the originals re-issues carry
Carried = dict[str, dict[int, set[str]]]
# console -> the public key its operations are checked with (pinned, or this console's own)
Keys = dict[str, str]

# validate()'s reasons that name no field or figure, shown in the chosen language
KNOWN_REASONS = frozenset((N_("hash does not match content"), N_("entity does not match payload")))

LOCAL_RANGE_SQL = "SELECT * FROM ops WHERE console_id = ? AND seq BETWEEN ? AND ?"


def local_ops(store: Store, console: str, first: int, last: int) -> dict[int, Op]:
    """seq -> the local operation, for one console's seqs first..last."""
    return {row.seq: op_from_row(row) for row in store.rows(LOCAL_RANGE_SQL, console, first, last)}


@dataclass
class Chain:
    """One console's hash chain, walked a page at a time in seq order: _walk on each page,
    the page's last operation carried over to link the next page's first."""

    console: str
    where: str
    carried: dict[int, set[str]]
    count: int = 0
    first: int = 0
    last: int = 0
    last_hash: str | None = None
    problems: list[str] = field(default_factory=list)

    def walk(self, page: dict[int, Op]) -> None:
        """The next page (its seqs all above the last page's)."""
        if not page:
            return
        self.problems += walk_run(page, self.where, self.carried, self.last, self.last_hash)
        self.first = self.first or min(page)
        self.last = max(page)
        self.last_hash = page[self.last].hash
        self.count += len(page)

    def span(self) -> str:
        return f"{self.first}-{self.last}" if self.count else _("none")


def state_text(console: str, problems: int, key_pinned: bool = True) -> str:
    """The end of a console's summary line: ok, or how many problems; and whether its
    signatures went unchecked (no key pinned for it here)."""
    state = (
        ngettext("{n} problem", "{n} problems", problems).format(n=problems)
        if problems
        else pgettext("verify", "ok")
    )
    if not key_pinned:
        state = _("{state}; signatures not checked (no key pinned for console {console})").format(
            state=state, console=console
        )
    return state


def differing(by_seq: dict[int, Op], mine: dict[int, Op]) -> list[int]:
    """The seqs at which both hold an operation and the two differ."""
    return [
        s for s, op in sorted(by_seq.items()) if s in mine and mine[s].to_json() != op.to_json()
    ]


def walk_run(
    by_seq: dict[int, Op],
    where: str,
    carried: dict[int, set[str]],
    after: int = 0,
    after_hash: str | None = None,
) -> list[str]:
    """The problems of a run of one console's chain (seq -> op). A page that continues a
    walk passes the last seq walked before it and that operation's hash."""
    found, previous = [], after
    for seq in sorted(by_seq):
        op = by_seq[seq]
        if seq > previous + 1 and seq - previous - 1 > sum(
            1 for s in carried if previous < s < seq
        ):
            found.append(
                _("{where}: gap, seq {first}-{last} missing").format(
                    where=where, first=previous + 1, last=seq - 1
                )
            )
        why = validate(op)
        if why is not None:
            found.append(
                _("{where}: seq {seq}: {why} (tampered or damaged)").format(
                    where=where, seq=seq, why=_(why) if why in KNOWN_REASONS else why
                )
            )
        if seq == 1:
            expected: str | None = GENESIS_HASH
        elif seq - 1 in by_seq:
            expected = by_seq[seq - 1].hash
        else:
            expected = after_hash if seq - 1 == after else None
        if (
            expected is not None
            and op.prev_hash != expected
            and op.prev_hash not in carried.get(seq - 1, ())
        ):
            found.append(
                _(
                    "{where}: seq {seq}: does not link to seq {previous} (chain broken: "
                    "tampered or replaced)"
                ).format(where=where, seq=seq, previous=seq - 1)
            )
        previous = seq
    return found


def span_text(by_seq: dict[int, Op]) -> str:
    return f"{min(by_seq)}-{max(by_seq)}" if by_seq else _("none")
