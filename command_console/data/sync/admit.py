"""The door for another console's operations: what may be merged, what is refused, what waits.

Checked per operation, so one bad operation never stops the ones after it:
- the schema of its kind (core/op_schema.py, the same one local writes pass);
- it belongs to the folder it was found in, and names only ids in its console's namespace
  (incidents `N-<console>`, shifts `<console>-...`);
- its stamp is not further ahead of our clock than the skew limit (held back, not refused:
  it is merged once our clock catches up, and it never moves our clock);
- a re-issue (data/sync/identity.py): its original, checked as its own console's
  (namespace here; its signature by that console's pinned key in the Syncer);
- its signature, by the key pinned for its console. The hash of each operation covers the
  previous one's, so one good signature vouches for the chained run before it.
"""

from __future__ import annotations

from collections.abc import Iterable

from command_console.core.clock import HLC_COUNTER_BITS
from command_console.core.ops import Op, original_of, validate
from command_console.data.store import SKEW_LIMIT_MS
from command_console.data.sync import keys

CHAIN_BROKEN = "hash chain broken (tampered, or two consoles share this id)"


def problem(op: Op, console: str) -> str | None:
    """Why an operation found in `console`'s folder must be refused, or None."""
    why = validate(op)
    if why is not None:
        return why
    if op.console_id != console:
        return f"operation of console {op.console_id!r} in folder {console!r}"
    return outside_namespace(op)


def outside_namespace(op: Op) -> str | None:
    """An operation may create only its own console's incidents and shifts."""
    op = original_of(op)  # a re-issue: its original, within the original's console's ids
    if op.kind == "incident.open" and not op.payload["id"].endswith("-" + op.console_id):
        return f"opens incident {op.payload['id']!r}, outside console {op.console_id}'s ids"
    if op.kind.startswith("shift.") and not op.payload["id"].startswith(op.console_id + "-"):
        return f"changes shift {op.payload['id']!r} of another console"
    return None


def ahead(op: Op, now_ms: int) -> int:
    """How many ms an operation is stamped ahead of now plus the skew limit (0: not ahead)."""
    stamped = max(op.hlc >> HLC_COUNTER_BITS, op.wall)
    return max(0, stamped - now_ms - SKEW_LIMIT_MS)


def unsigned(ops_by_seq: Iterable[Op], public_key: str) -> set[int]:
    """The seqs among ops (sorted by seq) whose signature does not hold up.

    Walks from the newest: an op whose hash the next trusted op names as its predecessor
    is vouched for by that op's signature; any other op must carry a good signature itself."""
    bad: set[int] = set()
    vouched: str | None = None
    for op in sorted(ops_by_seq, key=lambda o: o.seq, reverse=True):
        if op.hash == vouched or (op.sig and keys.signature_ok(public_key, op.hash, op.sig)):
            vouched = op.prev_hash
        else:
            bad.add(op.seq)
            vouched = None
    return bad
