"""An operation's canonical bytes (what its hash covers) splice the payload's text into the
envelope: they must equal dumping the whole record, for any payload and any field text."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from command_console.core.ops import Op

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
awkward_text = st.text() | st.sampled_from(['x,"prev_hash":"y', '","payload":{', "\\", '"'])


def _dumped_whole(op: Op) -> bytes:
    body = op.as_dict()
    del body["hash"], body["sig"]
    if op.v == 1:
        del body["wall"]
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@settings(max_examples=300)
@given(
    payload=st.dictionaries(st.text(), json_values, max_size=6),
    author=awkward_text,
    kind=awkward_text,
    entity=awkward_text,
    prev_hash=awkward_text,
    console_id=awkward_text,
    op_id=awkward_text,
    version=st.sampled_from([1, 2]),
    hlc=st.integers(min_value=0, max_value=2**63 - 1),
    seq=st.integers(min_value=-(2**70), max_value=2**70),
)
def test_canonical_bytes_equal_the_whole_record_dumped(
    payload, author, kind, entity, prev_hash, console_id, op_id, version, hlc, seq
):
    op = Op(
        id=op_id,
        console_id=console_id,
        seq=seq,
        hlc=hlc,
        kind=kind,
        entity=entity,
        author=author,
        payload=payload,
        prev_hash=prev_hash,
        v=version,
        wall=1_700_000_000_000,
    )
    assert op.canonical() == _dumped_whole(op)


@given(
    odd=st.sampled_from(
        [("hlc", True), ("seq", 2.0), ("wall", None), ("v", False), ("author", None), ("kind", 7)]
    )
)
def test_fields_of_other_types_are_hashed_as_dumped_too(odd):
    """A record from another console may carry anything; the envelope refuses it, and its
    hash is still the definition's."""
    from dataclasses import replace

    good = Op("a" * 32, "k7qa", 1, 1, "entry.add", "incident:1-k7qa", "lead", {"t": 1}, "0" * 64)
    op = replace(good, **{odd[0]: odd[1]})
    assert op.canonical() == op.canonical_by_dumps() == _dumped_whole(op)


def test_the_payload_text_is_not_carried_over_by_replace():
    from dataclasses import replace

    op = Op("a" * 32, "k7qa", 1, 1, "entry.add", "incident:1-k7qa", "lead", {"t": 1}, "0" * 64)
    assert op.payload_text == '{"t":1}'
    assert replace(op, payload={"t": 2}).payload_text == '{"t":2}'
