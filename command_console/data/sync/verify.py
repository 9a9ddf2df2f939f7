"""The audit trail: walk every console's hash chain, locally, in the share and in the hub.

Reports gaps (missing sequence numbers), operations whose hash does not match their
content, links that do not point at the previous operation's hash, two different
operations at one sequence number, and share or hub copies that differ from the local log.
A seq whose operation a re-issue carries (a copied data directory that took a new id,
see identity.py) is neither a gap nor a clash: the re-issue holds it.

In the share and the hub, signatures are checked as sync's door checks them
(admit.unsigned): by the key pinned for each console in the local `peers` table (this
console's own key for its own operations), walking from the newest, a good signature
vouching for the chained run before it. An operation of format 1 carries no signature
(it predates them): it holds up only when a signed operation after it vouches for it. A
console whose key is not pinned here is walked without the check, and its summary says so.

The local log and the hub are walked a page of operations at a time, in seq order (the
last operation of a page links the next page), so memory stays bounded however long the
chains; a hub page is compared with the local operations of its seq range only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

from command_console.core.op_schema import REISSUE
from command_console.core.ops import Op, original_of, validate
from command_console.data.store import Store, op_from_row
from command_console.data.sync import peers, verify_chain
from command_console.data.sync import segments as seg
from command_console.data.sync.verify_chain import (
    Carried,
    Chain,
    Keys,
    differing,
    local_ops,
    span_text,
    state_text,
    walk_run,
)
from command_console.data.sync.verify_hub import verify_hub
from command_console.data.sync.verify_signatures import (
    Run,
    Signatures,
    seqs_text,
    signature_problem,
)
from command_console.i18n import _, ngettext

# Keyset pages over the (console_id, seq) unique index: each page starts where the last ended.
LOCAL_PAGE_SQL = """
SELECT * FROM ops WHERE (console_id, seq) > (?, ?) ORDER BY console_id, seq LIMIT ?
"""
LOCAL_KIND_PAGE_SQL = """
SELECT * FROM ops WHERE (console_id, seq) > (?, ?) AND kind = ? ORDER BY console_id, seq LIMIT ?
"""


def verify(
    store: Store, share: Path | None, hub_url: str | None = None
) -> tuple[list[str], list[str]]:
    """(summary lines, problem lines) for the local log and, when given, the share and the hub."""
    summary: list[str] = []
    problems: list[str] = []
    with store.snapshot():  # one consistent view of the local log for its walk and the share's
        carried = _carried(store)
        pinned = _pinned_keys(store)
        for chain in _local_chains(store, carried):
            problems += chain.problems
            summary.append(
                ngettext(
                    "local  {console}: {count} op, seq {span}, {state}",
                    "local  {console}: {count} ops, seq {span}, {state}",
                    chain.count,
                ).format(
                    console=chain.console,
                    count=chain.count,
                    span=chain.span(),
                    state=state_text(chain.console, len(chain.problems)),
                )
            )
        if share is not None:
            _verify_share(store, share, carried, pinned, summary, problems)
    if hub_url is not None:
        verify_hub(store, hub_url, carried, pinned, summary, problems)
    return summary, problems


def _pinned_keys(store: Store) -> Keys:
    """The key each console's operations are checked with: the one pinned for it in the
    peers table (whatever its status: a pending or revoked console's key is still the one
    its operations were signed with), and this console's own."""
    found = {peer.console_id: peer.public_key for peer in peers.list_peers(store)}
    if store.signer is not None:
        found[store.console_id] = store.signer.public_key
    return found


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
            rows = store.rows(LOCAL_PAGE_SQL, *after, verify_chain.PAGE)
        else:
            rows = store.rows(LOCAL_KIND_PAGE_SQL, *after, kind, verify_chain.PAGE)
        if not rows:
            return
        yield [op_from_row(row) for row in rows]
        after = (rows[-1].console_id, rows[-1].seq)


def _local_chains(store: Store, carried: Carried) -> Iterator[Chain]:
    """Each console's chain in the local log, walked; in console order."""
    chain: Chain | None = None
    for page in _local_pages(store):
        for console, ops in groupby(page, key=lambda op: op.console_id):
            if chain is None or chain.console != console:
                if chain is not None:
                    yield chain
                chain = Chain(
                    console,
                    _("local log, console {console}").format(console=console),
                    carried.get(console, {}),
                )
            chain.walk({op.seq: op for op in ops})
    if chain is not None:
        yield chain


def _verify_share(
    store: Store,
    share: Path,
    carried: Carried,
    pinned: Keys,
    summary: list[str],
    problems: list[str],
) -> None:
    if not share.is_dir():
        problems.append(_("{share}: share unavailable").format(share=share))
        return
    for folder in sorted(
        p
        for p in share.iterdir()
        if p.is_dir() and not p.is_symlink() and seg.CONSOLE_DIR_RE.match(p.name)
    ):
        console, found = folder.name, []
        by_seq: dict[int, Op] = {}
        files: dict[int, Path] = {}  # seq -> the file by_seq's operation was read from
        for path in sorted(folder.iterdir()):
            if path.is_symlink() or not path.is_file() or seg.is_ignorable(path.name):
                continue
            if seg.parse_name(path.name) is None:
                found.append(_("{path}: not a segment file (foreign file)").format(path=path))
                continue
            try:
                decoded = seg.decode(seg.read_bounded(path, seg.MAX_SEGMENT_BYTES))
            except OSError as exc:
                found.append(
                    _("{path}: cannot read ({reason})").format(
                        path=path, reason=exc.strerror or exc
                    )
                )
                continue
            found += [f"{path}: {why}" for why in decoded.problems]
            held = carried.get(console, {})
            for op in decoded.ops:
                if op.console_id != console:
                    found.append(
                        _("{path}: seq {seq} belongs to console {other!r}").format(
                            path=path, seq=op.seq, other=op.console_id
                        )
                    )
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
                        files[op.seq] = path
                elif op.seq in by_seq and by_seq[op.seq].hash != op.hash:
                    found.append(
                        _(
                            "{path}: seq {seq} differs from another copy in the share "
                            "(tampered, or two consoles use the id {console!r})"
                        ).format(path=path, seq=op.seq, console=console)
                    )
                elif op.seq not in by_seq:
                    by_seq[op.seq] = op
                    files[op.seq] = path
        found += walk_run(
            by_seq,
            _("share {folder}").format(folder=folder),
            carried.get(console, {}),
        )
        mine = local_ops(store, console, min(by_seq), max(by_seq)) if by_seq else {}
        found += [
            _("share {folder}: seq {seq} differs from the local copy (tampered)").format(
                folder=folder, seq=s
            )
            for s in differing(by_seq, mine)
        ]
        key = pinned.get(console)
        if key is not None:
            signatures = Signatures(key)
            runs = signatures.page(by_seq) + signatures.end()
            found += _share_signature_problems(console, runs, by_seq, files)
        problems += found
        summary.append(
            ngettext(
                "share  {console}: {count} op, seq {span}, {state}",
                "share  {console}: {count} ops, seq {span}, {state}",
                len(by_seq),
            ).format(
                console=console,
                count=len(by_seq),
                span=span_text(by_seq),
                state=state_text(console, len(found), key is not None),
            )
        )


def _share_signature_problems(
    console: str, runs: list[Run], by_seq: dict[int, Op], files: dict[int, Path]
) -> list[str]:
    """A line per file and run of seqs in it whose signatures do not hold up (the share's
    operations are all at hand: each line names the file it was read from)."""
    found: list[str] = []
    ordered_seqs = sorted(by_seq)
    for run in runs:
        seqs = ordered_seqs[
            bisect_left(ordered_seqs, run.first) : bisect_right(ordered_seqs, run.last)
        ]
        for path, group in groupby(seqs, key=lambda s: files[s]):
            in_file = list(group)
            found.append(
                signature_problem(
                    str(path),
                    console,
                    seqs_text(in_file[0], in_file[-1]),
                    any(by_seq[s].sig for s in in_file),
                )
            )
    return found
