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

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from command_console.core.op_schema import REISSUE
from command_console.core.ops import GENESIS_HASH, Op, original_of, validate
from command_console.data.store import Store, op_from_row
from command_console.data.sync import keys, peers
from command_console.data.sync import segments as seg
from command_console.data.sync.hub import PULL_BATCH, HubError, HubLink, one_line, shown_url
from command_console.i18n import N_, _, ngettext, pgettext

PAGE = PULL_BATCH  # operations the local and hub walks hold at once (per page)

# console -> seq -> hashes of the originals re-issues carry
Carried = dict[str, dict[int, set[str]]]
# console -> the public key its operations are checked with (pinned, or this console's own)
Keys = dict[str, str]

# validate()'s reasons that name no field or figure, shown in the chosen language
KNOWN_REASONS = frozenset((N_("hash does not match content"), N_("entity does not match payload")))

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
                    state=_state(chain.console, len(chain.problems)),
                )
            )
        if share is not None:
            _verify_share(store, share, carried, pinned, summary, problems)
    if hub_url is not None:
        _verify_hub(store, hub_url, carried, pinned, summary, problems)
    return summary, problems


def _pinned_keys(store: Store) -> Keys:
    """The key each console's operations are checked with: the one pinned for it in the
    peers table (whatever its status: a pending or revoked console's key is still the one
    its operations were signed with), and this console's own."""
    found = {peer.console_id: peer.public_key for peer in peers.list_peers(store)}
    if store.signer is not None:
        found[store.console_id] = store.signer.public_key
    return found


def _state(console: str, problems: int, key_pinned: bool = True) -> str:
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
                chain = _Chain(
                    console,
                    _("local log, console {console}").format(console=console),
                    carried.get(console, {}),
                )
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
        return f"{self.first}-{self.last}" if self.count else _("none")


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
        found += _walk(
            by_seq,
            _("share {folder}").format(folder=folder),
            carried.get(console, {}),
        )
        mine = _local_ops(store, console, min(by_seq), max(by_seq)) if by_seq else {}
        found += [
            _("share {folder}: seq {seq} differs from the local copy (tampered)").format(
                folder=folder, seq=s
            )
            for s in _differs(by_seq, mine)
        ]
        key = pinned.get(console)
        if key is not None:
            signatures = _Signatures(key)
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
                span=_span(by_seq),
                state=_state(console, len(found), key is not None),
            )
        )


def _share_signature_problems(
    console: str, runs: list[_Run], by_seq: dict[int, Op], files: dict[int, Path]
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
                _signature_problem(
                    str(path),
                    console,
                    _seqs_text(in_file[0], in_file[-1]),
                    any(by_seq[s].sig for s in in_file),
                )
            )
    return found


def _signature_problem(where: str, console: str, seqs: str, signed: bool) -> str:
    if signed:
        return _(
            "{where}: seq {seqs}: signature does not verify with the key pinned for console "
            "{console}"
        ).format(where=where, seqs=seqs, console=console)
    return _(
        "{where}: seq {seqs}: not signed, and no signed operation after it vouches for it"
    ).format(where=where, seqs=seqs)


def _seqs_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _verify_hub(
    store: Store,
    url: str,
    carried: Carried,
    pinned: Keys,
    summary: list[str],
    problems: list[str],
) -> None:
    """Every console's rows in the hub, PAGE rows at a time. The hub unreachable (or lost
    part way) is one problem line; what was found before it is kept."""
    link = HubLink(url)
    try:
        for head in sorted(link.heads(), key=lambda head: head.console_id):
            console = head.console_id
            where = _("hub {console}").format(console=console)
            chain = _Chain(console, where, carried.get(console, {}))
            key = pinned.get(console)
            signatures = _Signatures(key) if key is not None else None
            try:
                _walk_hub_console(store, link, chain, head.max_seq, signatures)
                if signatures is not None:  # nothing after the head the walk began with
                    chain.problems += _hub_signature_problems(where, console, signatures.end())
            finally:
                problems += chain.problems
            summary.append(
                ngettext(
                    "hub    {console}: {count} op, seq {span}, {state}",
                    "hub    {console}: {count} ops, seq {span}, {state}",
                    chain.count,
                ).format(
                    console=console,
                    count=chain.count,
                    span=chain.span(),
                    state=_state(console, len(chain.problems), key is not None),
                )
            )
    except HubError as exc:
        problems.append(_("hub {url}: {why}").format(url=shown_url(url), why=exc))
    finally:
        link.close()


def _walk_hub_console(
    store: Store, link: HubLink, chain: _Chain, upto: int, signatures: _Signatures | None
) -> None:
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
        if signatures is not None:
            chain.problems += _hub_signature_problems(
                chain.where, chain.console, signatures.page(page)
            )
        after = rows[-1][0]


def _hub_signature_problems(where: str, console: str, runs: list[_Run]) -> list[str]:
    return [
        _signature_problem(where, console, _seqs_text(run.first, run.last), run.signed)
        for run in runs
    ]


@dataclass
class _Run:
    """Operations of one chain whose signatures do not hold up by themselves, seq first to
    last, each linked to the next: the top one's hash, the bottom one's prev_hash."""

    first: int
    last: int
    top_hash: str
    link: str
    signed: bool  # one of them carries a signature (that does not verify)

    def below(self, op: Op) -> bool:
        """Whether op is the one this run's bottom links to."""
        return op.hash == self.link


@dataclass
class _Signatures:
    """One console's signatures, checked as sync's door checks them (admit.unsigned): from
    the newest, an operation holds up when the next trusted one names its hash as its
    predecessor (vouches for it) or when it carries a good signature of its own.

    Fed a page at a time in seq order, so the walk from the newest runs within each page;
    across pages only the run at the top of the pages so far is carried: the operations
    from the top down to the first good signature, chained to one another, none vouched for
    yet. The next page vouches for it (its lowest trusted operation names the run's top
    hash) or not; `end` says nothing above does. Memory: a page and that run's bounds."""

    key: str
    open: _Run | None = None  # the run at the top, waiting for the next page

    def page(self, page: dict[int, Op]) -> list[_Run]:
        """The next page (seqs above the last page's): the runs found not to hold up."""
        if not page:
            return []
        bad: list[_Run] = []
        top: _Run | None = None  # this page's top run, open till a page above decides
        waiting = True  # still in this page's top run
        vouched: str | None = None
        for seq in sorted(page, reverse=True):
            op = page[seq]
            if waiting:
                if self._signed(op):
                    waiting, vouched = False, op.prev_hash
                elif top is None:
                    top = _Run(seq, seq, op.hash, op.prev_hash, bool(op.sig))
                elif top.below(op):
                    top.first, top.link, top.signed = seq, op.prev_hash, top.signed or bool(op.sig)
                else:  # not linked to the run above it, not signed: nothing can vouch for it
                    waiting, vouched = False, None
                    _add(bad, op)
            elif op.hash == vouched or self._signed(op):
                vouched = op.prev_hash
            else:
                vouched = None
                _add(bad, op)
        below = self.open
        if below is not None:
            if waiting and top is not None and below.top_hash == top.link:  # one run, still open
                top.first, top.link, top.signed = (
                    below.first,
                    below.link,
                    top.signed or below.signed,
                )
            elif waiting or below.top_hash != vouched:  # this page does not vouch for it
                bad.append(below)
        self.open = top
        return sorted(bad, key=lambda run: run.first)

    def end(self) -> list[_Run]:
        """Nothing above the pages fed: the open run, if any, is not vouched for."""
        found, self.open = ([self.open] if self.open is not None else []), None
        return found

    def _signed(self, op: Op) -> bool:
        return (
            isinstance(op.sig, str)
            and bool(op.sig)
            and keys.signature_ok(self.key, op.hash, op.sig)
        )


def _add(bad: list[_Run], op: Op) -> None:
    """op does not hold up: a run of its own, or the bottom of the run found just before it
    (the op above it) when they are alike (both carry a signature, or neither)."""
    last = bad[-1] if bad else None
    if last is not None and last.first == op.seq + 1 and last.signed == bool(op.sig):
        last.first, last.link = op.seq, op.prev_hash
    else:
        bad.append(_Run(op.seq, op.seq, op.hash, op.prev_hash, bool(op.sig)))


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


def _span(by_seq: dict[int, Op]) -> str:
    return f"{min(by_seq)}-{max(by_seq)}" if by_seq else _("none")
