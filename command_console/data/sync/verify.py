"""The audit trail: walk every console's hash chain, locally, in the share and in the hub.

Reports gaps (missing sequence numbers), operations whose hash does not match their
content, links that do not point at the previous operation's hash, two different
operations at one sequence number, and share or hub copies that differ from the local log.
A seq whose operation a re-issue carries (a copied data directory that took a new id,
see identity.py) is neither a gap nor a clash: the re-issue holds it.

The local log and the hub are walked a page of operations at a time, in seq order (the
last operation of a page links the next page), so memory stays bounded however long the
chains; a hub page is compared with the local operations of its seq range only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from command_console.core.op_schema import REISSUE
from command_console.core.ops import GENESIS_HASH, Op, original_of, validate
from command_console.data.store import Store, op_from_row
from command_console.data.sync import segments as seg
from command_console.data.sync.hub import PULL_BATCH, HubError, HubLink, one_line, shown_url
from command_console.i18n import _, ngettext, pgettext

PAGE = PULL_BATCH  # operations the local and hub walks hold at once (per page)

# console -> seq -> hashes of the originals re-issues carry
Carried = dict[str, dict[int, set[str]]]

# Keyset pages over the (console_id, seq) unique index: each page starts where the last ended.
LOCAL_PAGE_SQL = """
SELECT * FROM ops WHERE (console_id, seq) > (?, ?) ORDER BY console_id, seq LIMIT ?
"""
LOCAL_KIND_PAGE_SQL = """
SELECT * FROM ops WHERE (console_id, seq) > (?, ?) AND kind = ? ORDER BY console_id, seq LIMIT ?
"""
LOCAL_RANGE_SQL = "SELECT * FROM ops WHERE console_id = ? AND seq BETWEEN ? AND ?"


def verify(
    store: Store, share: Path | None, hub_url: str | None = None
) -> tuple[list[str], list[str]]:
    """(summary lines, problem lines) for the local log and, when given, the share and the hub."""
    summary: list[str] = []
    problems: list[str] = []
    with store.snapshot():  # one consistent view of the local log for its walk and the share's
        carried = _carried(store)
        for chain in _local_chains(store, carried):
            problems += chain.problems
            summary.append(
                f"local  {chain.console}: {chain.count} ops, seq {chain.span()}, {'ok' if not chain.problems else f'{len(chain.problems)} problems'}"
            )
        if share is not None:
            _verify_share(store, share, carried, summary, problems)
    if hub_url is not None:
        _verify_hub(store, hub_url, carried, summary, problems)
    return summary, problems


def _carried(store: Store) -> Carried:
    """The seqs and hashes of other consoles' operations that the local re-issues carry."""
    carried: Carried = {}
    for page in _local_pages(store, REISSUE):
        for op in page:
            if validate(op) is None:
                original = original_of(op)
                carried.setdefault(original.console_id, {}).setdefault(original.seq, set()).add(
                    original.hash
                )
    return carried


def _local_pages(store: Store, kind: str | None = None) -> Iterator[list[Op]]:
    """The local log (or its operations of one kind) in (console, seq) order, PAGE at a time."""
    after: tuple[str, int] = ("", 0)
    while True:
        if kind is None:
            rows = store.rows(LOCAL_PAGE_SQL, *after, PAGE)
        else:
            rows = store.rows(LOCAL_KIND_PAGE_SQL, *after, kind, PAGE)
        if not rows:
            return
        yield [op_from_row(row) for row in rows]
        after = (rows[-1].console_id, rows[-1].seq)


def _local_chains(store: Store, carried: Carried) -> Iterator[_Chain]:
    """Each console's chain in the local log, walked; in console order."""
    chain: _Chain | None = None
    for page in _local_pages(store):
        for console, ops in groupby(page, key=lambda op: op.console_id):
            if chain is None or chain.console != console:
                if chain is not None:
                    yield chain
                chain = _Chain(console, f"local log, console {console}", carried.get(console, {}))
            chain.walk({op.seq: op for op in ops})
    if chain is not None:
        yield chain


def _local_ops(store: Store, console: str, first: int, last: int) -> dict[int, Op]:
    """seq -> the local operation, for one console's seqs first..last."""
    return {row.seq: op_from_row(row) for row in store.rows(LOCAL_RANGE_SQL, console, first, last)}


@dataclass
class _Chain:
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
        self.problems += _walk(page, self.where, self.carried, self.last, self.last_hash)
        self.first = self.first or min(page)
        self.last = max(page)
        self.last_hash = page[self.last].hash
        self.count += len(page)

    def span(self) -> str:
        return f"{self.first}-{self.last}" if self.count else "none"


def _verify_share(
    store: Store, share: Path, carried: Carried, summary: list[str], problems: list[str]
) -> None:
    if not share.is_dir():
        problems.append(f"{share}: share unavailable")
        return
    for folder in sorted(
        p
        for p in share.iterdir()
        if p.is_dir() and not p.is_symlink() and seg.CONSOLE_DIR_RE.match(p.name)
    ):
        console, found = folder.name, []
        by_seq: dict[int, Op] = {}
        for path in sorted(folder.iterdir()):
            if path.is_symlink() or not path.is_file() or seg.is_ignorable(path.name):
                continue
            if seg.parse_name(path.name) is None:
                found.append(f"{path}: not a segment file (foreign file)")
                continue
            try:
                decoded = seg.decode(seg.read_bounded(path, seg.MAX_SEGMENT_BYTES))
            except OSError as exc:
                found.append(f"{path}: cannot read ({exc.strerror or exc})")
                continue
            found += [f"{path}: {why}" for why in decoded.problems]
            held = carried.get(console, {})
            for op in decoded.ops:
                if op.console_id != console:
                    found.append(f"{path}: seq {op.seq} belongs to console {op.console_id!r}")
                elif (
                    op.seq in by_seq
                    and by_seq[op.seq].hash != op.hash
                    and (
                        op.hash in held.get(op.seq, ())
                        or by_seq[op.seq].hash in held.get(op.seq, ())
                    )
                ):
                    if by_seq[op.seq].hash in held.get(op.seq, ()):
                        by_seq[op.seq] = op  # the other copy's op; a re-issue carries this one
                elif op.seq in by_seq and by_seq[op.seq].hash != op.hash:
                    found.append(
                        f"{path}: seq {op.seq} differs from another copy in the share "
                        f"(tampered, or two consoles use the id {console!r})"
                    )
                else:
                    by_seq.setdefault(op.seq, op)
        found += _walk(by_seq, f"share {folder}", carried.get(console, {}))
        mine = _local_ops(store, console, min(by_seq), max(by_seq)) if by_seq else {}
        found += [
            f"share {folder}: seq {s} differs from the local copy (tampered)"
            for s in _differs(by_seq, mine)
        ]
        problems += found
        summary.append(
            f"share  {console}: {len(by_seq)} ops, seq {_span(by_seq)}, {'ok' if not found else f'{len(found)} problems'}"
        )


def _verify_hub(
    store: Store, url: str, carried: Carried, summary: list[str], problems: list[str]
) -> None:
    """Every console's rows in the hub, PAGE rows at a time. The hub unreachable (or lost
    part way) is one problem line; what was found before it is kept."""
    link = HubLink(url)
    try:
        for head in sorted(link.heads(), key=lambda head: head.console_id):
            console = head.console_id
            chain = _Chain(
                console, _("hub {console}").format(console=console), carried.get(console, {})
            )
            try:
                _walk_hub_console(store, link, chain, head.max_seq)
            finally:
                problems += chain.problems
            summary.append(
                _("hub    {console}: {count} ops, seq {span}, {state}").format(
                    console=console,
                    count=chain.count,
                    span=chain.span() if chain.count else _("none"),
                    state=(
                        ngettext("{n} problem", "{n} problems", len(chain.problems)).format(
                            n=len(chain.problems)
                        )
                        if chain.problems
                        else pgettext("verify", "ok")
                    ),
                )
            )
    except HubError as exc:
        problems.append(_("hub {url}: {why}").format(url=shown_url(url), why=exc))
    finally:
        link.close()


def _walk_hub_console(store: Store, link: HubLink, chain: _Chain, upto: int) -> None:
    """One console's rows up to seq `upto` (its head when the walk began), page by page."""
    after = 0
    while after < upto:
        rows = link.pull(chain.console, after, upto=upto, limit=PAGE)
        if not rows:
            return
        page: dict[int, Op] = {}
        for seq, record in rows:
            op = _hub_op(chain, seq, record)
            if op is not None:
                page[seq] = op
        chain.walk(page)
        mine = _local_ops(store, chain.console, min(page), max(page)) if page else {}
        chain.problems += [
            _(
                "hub {console} seq {seq}: differs from the local copy (tampered, or two "
                "consoles use the id {console!r})"
            ).format(console=chain.console, seq=s)
            for s in _differs(page, mine)
        ]
        after = rows[-1][0]


def _hub_op(chain: _Chain, seq: int, record: str) -> Op | None:
    """A hub row's operation (as hub_pass reads it); None, with the problem noted, for a
    record that is not one or names another row, and for an original a local re-issue
    carries (the re-issue holds its seq: not walked, as not stored under its old id)."""
    try:
        op = Op.from_dict(json.loads(record))
    except (TypeError, ValueError, RecursionError) as exc:
        chain.problems.append(
            _("hub {console} seq {seq}: not an operation ({why})").format(
                console=chain.console, seq=seq, why=one_line(exc)
            )
        )
        return None
    if (op.console_id, op.seq) != (chain.console, seq):
        chain.problems.append(
            _("hub {console} seq {seq}: the record is seq {other_seq} of console {other!r}").format(
                console=chain.console, seq=seq, other_seq=op.seq, other=op.console_id
            )
        )
        return None
    if op.hash in chain.carried.get(seq, ()) and validate(op) is None:
        return None
    return op


def _differs(by_seq: dict[int, Op], mine: dict[int, Op]) -> list[int]:
    """The seqs at which both hold an operation and the two differ."""
    return [
        s for s, op in sorted(by_seq.items()) if s in mine and mine[s].to_json() != op.to_json()
    ]


def _walk(
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
            found.append(f"{where}: gap, seq {previous + 1}-{seq - 1} missing")
        why = validate(op)
        if why is not None:
            found.append(f"{where}: seq {seq}: {why} (tampered or damaged)")
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
                f"{where}: seq {seq}: does not link to seq {seq - 1} (chain broken: tampered or replaced)"
            )
        previous = seq
    return found


def _span(by_seq: dict[int, Op]) -> str:
    return f"{min(by_seq)}-{max(by_seq)}" if by_seq else "none"
