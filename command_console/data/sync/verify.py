"""The audit trail: walk every console's hash chain, locally and in the share.

Reports gaps (missing sequence numbers), operations whose hash does not match their
content, links that do not point at the previous operation's hash, two different
operations at one sequence number, and share copies that differ from the local log.
A seq whose operation a re-issue carries (a copied data directory that took a new id,
see identity.py) is neither a gap nor a clash: the re-issue holds it.
"""

from __future__ import annotations

from pathlib import Path

from command_console.core.op_schema import REISSUE
from command_console.core.ops import GENESIS_HASH, Op, original_of, validate
from command_console.data.store import Store, op_from_row
from command_console.data.sync import segments as seg


def verify(store: Store, share: Path | None) -> tuple[list[str], list[str]]:
    """(summary lines, problem lines) for the local log and, when given, the share."""
    summary, problems = [], []
    local: dict[str, dict[int, Op]] = {}
    carried: dict[str, dict[int, set[str]]] = {}  # console -> seq -> hashes re-issues carry
    with store.read() as conn:
        for row in conn.exec_driver_sql("SELECT * FROM ops ORDER BY console_id, seq"):
            op = op_from_row(row)
            local.setdefault(op.console_id, {})[op.seq] = op
            if op.kind == REISSUE and validate(op) is None:
                original = original_of(op)
                carried.setdefault(original.console_id, {}).setdefault(original.seq, set()).add(
                    original.hash
                )
    for console, by_seq in sorted(local.items()):
        found = _walk(by_seq, f"local log, console {console}", carried.get(console, {}))
        problems += found
        summary.append(
            f"local  {console}: {len(by_seq)} ops, seq {_span(by_seq)}, {'ok' if not found else f'{len(found)} problems'}"
        )
    if share is None:
        return summary, problems
    if not share.is_dir():
        problems.append(f"{share}: share unavailable")
        return summary, problems
    for folder in sorted(
        p
        for p in share.iterdir()
        if p.is_dir() and not p.is_symlink() and seg.CONSOLE_DIR_RE.match(p.name)
    ):
        console, found = folder.name, []
        by_seq = {}
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
        mine = local.get(console, {})
        found += [
            f"share {folder}: seq {s} differs from the local copy (tampered)"
            for s, op in sorted(by_seq.items())
            if s in mine and mine[s].to_json() != op.to_json()
        ]
        problems += found
        summary.append(
            f"share  {console}: {len(by_seq)} ops, seq {_span(by_seq)}, {'ok' if not found else f'{len(found)} problems'}"
        )
    return summary, problems


def _walk(by_seq: dict[int, Op], where: str, carried: dict[int, set[str]]) -> list[str]:
    found, previous = [], 0
    for seq in sorted(by_seq):
        op = by_seq[seq]
        if seq > previous + 1 and seq - previous - 1 > sum(
            1 for s in carried if previous < s < seq
        ):
            found.append(f"{where}: gap, seq {previous + 1}-{seq - 1} missing")
        why = validate(op)
        if why is not None:
            found.append(f"{where}: seq {seq}: {why} (tampered or damaged)")
        expected = (
            GENESIS_HASH if seq == 1 else (by_seq[seq - 1].hash if seq - 1 in by_seq else None)
        )
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
