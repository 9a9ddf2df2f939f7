"""The audit trail's check of signatures (verify.py is the entry), as sync's door checks
them (admit.unsigned), fed one console's operations a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from command_console.core.ops import Op
from command_console.data.sync import keys
from command_console.i18n import _


def signature_problem(where: str, console: str, seqs: str, signed: bool) -> str:
    if signed:
        return _(
            "{where}: seq {seqs}: signature does not verify with the key pinned for console "
            "{console}"
        ).format(where=where, seqs=seqs, console=console)
    return _(
        "{where}: seq {seqs}: not signed, and no signed operation after it vouches for it"
    ).format(where=where, seqs=seqs)


def seqs_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


@dataclass
class Run:
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
class Signatures:
    """One console's signatures, checked as sync's door checks them (admit.unsigned): from
    the newest, an operation holds up when the next trusted one names its hash as its
    predecessor (vouches for it) or when it carries a good signature of its own.

    Fed a page at a time in seq order, so the walk from the newest runs within each page;
    across pages only the run at the top of the pages so far is carried: the operations
    from the top down to the first good signature, chained to one another, none vouched for
    yet. The next page vouches for it (its lowest trusted operation names the run's top
    hash) or not; `end` says nothing above does. Memory: a page and that run's bounds."""

    key: str
    open: Run | None = None  # the run at the top, waiting for the next page

    def page(self, page: dict[int, Op]) -> list[Run]:
        """The next page (seqs above the last page's): the runs found not to hold up."""
        if not page:
            return []
        bad: list[Run] = []
        top: Run | None = None  # this page's top run, open till a page above decides
        waiting = True  # still in this page's top run
        vouched: str | None = None
        for seq in sorted(page, reverse=True):
            op = page[seq]
            if waiting:
                if self._signed(op):
                    waiting, vouched = False, op.prev_hash
                elif top is None:
                    top = Run(seq, seq, op.hash, op.prev_hash, bool(op.sig))
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

    def end(self) -> list[Run]:
        """Nothing above the pages fed: the open run, if any, is not vouched for."""
        found, self.open = ([self.open] if self.open is not None else []), None
        return found

    def _signed(self, op: Op) -> bool:
        return (
            isinstance(op.sig, str)
            and bool(op.sig)
            and keys.signature_ok(self.key, op.hash, op.sig)
        )


def _add(bad: list[Run], op: Op) -> None:
    """op does not hold up: a run of its own, or the bottom of the run found just before it
    (the op above it) when they are alike (both carry a signature, or neither)."""
    last = bad[-1] if bad else None
    if last is not None and last.first == op.seq + 1 and last.signed == bool(op.sig):
        last.first, last.link = op.seq, op.prev_hash
    else:
        bad.append(Run(op.seq, op.seq, op.hash, op.prev_hash, bool(op.sig)))
