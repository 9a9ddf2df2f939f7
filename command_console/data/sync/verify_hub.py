"""The audit trail in the PostgreSQL hub (verify.py is the entry): every console's rows,
a page at a time, walked like the local log and compared with it."""

from __future__ import annotations

import json

from command_console.core.ops import Op, validate
from command_console.data.store import Store
from command_console.data.sync import verify_chain
from command_console.data.sync.hub import HubError, HubLink, one_line, shown_url
from command_console.data.sync.verify_chain import (
    Carried,
    Chain,
    Keys,
    differing,
    local_ops,
    state_text,
)
from command_console.data.sync.verify_signatures import (
    Run,
    Signatures,
    seqs_text,
    signature_problem,
)
from command_console.i18n import _, ngettext


def verify_hub(
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
            chain = Chain(console, where, carried.get(console, {}))
            key = pinned.get(console)
            signatures = Signatures(key) if key is not None else None
            try:
                walk_hub_console(store, link, chain, head.max_seq, signatures)
                if signatures is not None:  # nothing after the head the walk began with
                    chain.problems += hub_signature_problems(where, console, signatures.end())
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
                    state=state_text(console, len(chain.problems), key is not None),
                )
            )
    except HubError as exc:
        problems.append(_("hub {url}: {why}").format(url=shown_url(url), why=exc))
    finally:
        link.close()


def walk_hub_console(
    store: Store, link: HubLink, chain: Chain, upto: int, signatures: Signatures | None
) -> None:
    """One console's rows up to seq `upto` (its head when the walk began), page by page."""
    after = 0
    while after < upto:
        rows = link.pull(chain.console, after, upto=upto, limit=verify_chain.PAGE)
        if not rows:
            return
        page: dict[int, Op] = {}
        for seq, record in rows:
            op = hub_op(chain, seq, record)
            if op is not None:
                page[seq] = op
        chain.walk(page)
        mine = local_ops(store, chain.console, min(page), max(page)) if page else {}
        chain.problems += [
            _(
                "hub {console} seq {seq}: differs from the local copy (tampered, or two "
                "consoles use the id {console!r})"
            ).format(console=chain.console, seq=s)
            for s in differing(page, mine)
        ]
        if signatures is not None:
            chain.problems += hub_signature_problems(
                chain.where, chain.console, signatures.page(page)
            )
        after = rows[-1][0]


def hub_signature_problems(where: str, console: str, runs: list[Run]) -> list[str]:
    return [
        signature_problem(where, console, seqs_text(run.first, run.last), run.signed)
        for run in runs
    ]


def hub_op(chain: Chain, seq: int, record: str) -> Op | None:
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
