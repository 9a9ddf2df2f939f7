"""The segment format: round trip, torn files, bit flips, names of conflict copies."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from command_console.core.ops import GENESIS_HASH, Op, validate
from command_console.data.sync import segments as seg


def make_ops(n: int, console: str = "abcd") -> list[Op]:
    ops, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        op = Op(
            id=f"{seq:032x}",
            console_id=console,
            seq=seq,
            hlc=(1_800_000_000_000 + seq) << 16,
            kind="entry.add",
            entity="incident:1-abcd",
            author="lead",
            payload={"incident_id": "1-abcd", "kind": "note", "text": f"entry {seq} 停电"},
            prev_hash=prev,
        ).sealed()
        ops.append(op)
        prev = op.hash
    return ops


OPS = make_ops(6)
DATA = seg.encode("abcd", OPS, 1_800_000_000_000)


def test_round_trip():
    decoded = seg.decode(DATA)
    assert decoded.problems == [] and not decoded.fatal
    assert decoded.header["console_id"] == "abcd" and decoded.header["count"] == 6
    assert [op.hash for op in decoded.ops] == [op.hash for op in OPS]
    assert all(validate(op) is None for op in decoded.ops)


def test_every_truncation_is_detected_and_keeps_the_intact_prefix():
    for cut in range(len(DATA)):
        decoded = seg.decode(DATA[:cut])
        assert decoded.problems, f"cut at {cut} not reported"
        assert [op.id for op in decoded.ops] == [op.id for op in OPS[: len(decoded.ops)]]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(DATA) * 8 - 1))
def test_any_bit_flip_is_reported_and_never_yields_a_changed_op(bit):
    damaged = bytearray(DATA)
    damaged[bit // 8] ^= 1 << (bit % 8)
    decoded = seg.decode(bytes(damaged))
    assert decoded.problems, f"flip of bit {bit} not reported"
    originals = {op.id: op for op in OPS}
    for op in decoded.ops:  # whatever survives is byte-for-byte an original operation
        assert op.id in originals and op.to_json() == originals[op.id].to_json()


def test_foreign_and_future_files_are_fatal_with_a_reason():
    assert seg.decode(b"hello world").fatal
    assert "bad magic" in seg.decode(b"hello world").problems[0]
    future = seg.MAGIC + bytes([2, 0, 0]) + DATA[len(seg.HEADER) :]
    decoded = seg.decode(future)
    assert decoded.fatal and "segment format 2" in decoded.problems[0]


def test_names_of_segments_and_conflict_copies():
    name = seg.segment_name(1, 20)
    assert seg.parse_name(name) == seg.SegmentName(1, 20, name[22:30], False)
    stem = name[:-4]
    for copy in (
        f"{stem}.sync-conflict-20261122-080000-ABCDEFG.seg",
        f"{stem} (Li's conflicted copy 2026-11-22).seg",
    ):
        parsed = seg.parse_name(copy)
        assert (
            parsed is not None and parsed.conflict_copy and (parsed.first, parsed.last) == (1, 20)
        )
    for bad in (
        "notes.txt",
        "0000000001-0000000020-zzzzzzzz.seg",
        f"{stem}.seg.bak",
        "0000000005-0000000001-abcdef01.seg",
    ):
        assert seg.parse_name(bad) is None, bad
    assert (
        seg.is_ignorable(".tmp-abc.part")
        and seg.is_ignorable("~syncthing~x.tmp")
        and not seg.is_ignorable(name)
    )


def test_write_segment_is_atomic_and_leaves_no_temp(tmp_path):
    name, size = seg.write_segment(tmp_path, "abcd", OPS, 1)
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert (tmp_path / name).stat().st_size == size
    assert seg.decode((tmp_path / name).read_bytes()).problems == []
