"""Operations: every change is one, and the readable tables are their fold.

An operation is immutable once written. Its hash covers every field and the hash of the
same console's previous operation, so each console's history is a hash chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from json.encoder import encode_basestring as _quoted  # what json.dumps(ensure_ascii=False) uses
from typing import Any

from command_console.core.op_schema import REISSUE, SEQ_MAX, envelope_problem, payload_problem

# 2: operations carry the author's wall-clock time (`wall`) and a signature (`sig`).
OP_FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MAX_PAYLOAD_BYTES = 64 * 1024
REISSUE_EXTRA_BYTES = (
    4 * 1024
)  # a re-issue's payload is its original: payload, envelope and signature
GENESIS_HASH = "0" * 64

INCIDENT_FIELDS = ("title", "severity", "status", "started_at")


def entity_of(kind: str, payload: dict[str, Any]) -> str:
    """The entity an operation belongs to; each entity's tables fold from its ops alone."""
    if kind == REISSUE:
        original = payload["original"]
        return entity_of(original["kind"], original["payload"])
    if kind.startswith(("incident.", "entry.", "call.", "step.", "report.")):
        incident: str = payload.get("incident_id") or payload["id"]
        return "incident:" + incident
    own_id: str = payload["id"]  # validated payloads: ids are text
    if kind.startswith("contact."):
        return "contact:" + own_id
    return "shift:" + own_id


@dataclass(frozen=True)
class Op:
    id: str
    console_id: str
    seq: int
    hlc: int
    kind: str
    entity: str
    author: str
    payload: dict[str, Any] = field(compare=False)
    prev_hash: str
    hash: str = ""
    v: int = OP_FORMAT_VERSION
    wall: int = 0  # the author's clock at writing, ms (0 in version 1: the hlc tells it)
    sig: str = ""  # Ed25519 signature of the hash by the console's key (base64)

    @property
    def sort_key(self) -> tuple[int, str, int]:
        return (self.hlc, self.console_id, self.seq)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "console_id": self.console_id,
            "seq": self.seq,
            "hlc": self.hlc,
            "kind": self.kind,
            "entity": self.entity,
            "author": self.author,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "v": self.v,
            "wall": self.wall,
            "sig": self.sig,
        }

    @cached_property
    def payload_text(self) -> str:
        """The payload as stored and hashed (sorted keys, compact), serialised once."""
        return payload_json(self.payload)

    def canonical(self) -> bytes:
        """What the hash covers: every field but the hash and the signature (which signs the hash),
        as sorted compact JSON. Written field by field in key order, with the payload's text
        as stored: the same bytes as `json.dumps` of the whole (`canonical_by_dumps`), at a
        third of the cost (every op from another console is hashed again at the door)."""
        if not self._plain_fields():
            return self.canonical_by_dumps()
        wall = f',"wall":{self.wall}' if self.v != 1 else ""
        return (
            f'{{"author":{_quoted(self.author)},"console_id":{_quoted(self.console_id)},'
            f'"entity":{_quoted(self.entity)},"hlc":{self.hlc},"id":{_quoted(self.id)},'
            f'"kind":{_quoted(self.kind)},"payload":{self.payload_text},'
            f'"prev_hash":{_quoted(self.prev_hash)},"seq":{self.seq},"v":{self.v}{wall}}}'
        ).encode()

    def _plain_fields(self) -> bool:
        """Whether every field is exactly text or a whole number, as the envelope wants (what
        is not, a bool or a float from another console, is refused; its hash still follows
        the generic dump)."""
        texts = (self.author, self.console_id, self.entity, self.id, self.kind, self.prev_hash)
        numbers = (self.hlc, self.seq, self.v, self.wall)
        return all(type(t) is str for t in texts) and all(type(n) is int for n in numbers)

    def canonical_by_dumps(self) -> bytes:
        """`canonical` by dumping the whole: its definition. The payload's text is spliced in
        where its key sorts (between "kind" and "prev_hash")."""
        body = self.as_dict()
        del body["hash"], body["sig"], body["payload"]
        if self.v == 1:
            del body["wall"]
        head, tail = json.dumps(
            body, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).split(',"prev_hash":', 1)  # inside a JSON string a quote is escaped: this is the key
        return f'{head},"payload":{self.payload_text},"prev_hash":{tail}'.encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def sealed(self) -> Op:
        return replace(self, hash=self.compute_hash())

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Op:
        """An operation from a record read anywhere; raises ValueError when its fields are unusable."""
        if not isinstance(data, dict):
            raise ValueError("record is not an object")
        data = {"wall": 0, "sig": "", **data}
        seq = data.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq <= SEQ_MAX:
            raise ValueError("seq: not a whole number from 1")
        if not all(
            isinstance(data.get(key), str)
            for key in ("id", "console_id", "kind", "hash", "prev_hash")
        ):
            raise ValueError("id, console_id, kind, hash and prev_hash must be text")
        return Op(**data)  # the rest of the envelope is checked by validate(), once


def original_of(op: Op) -> Op:
    """The operation a re-issue carries (the op itself for any other kind)."""
    return Op.from_dict(op.payload["original"]) if op.kind == REISSUE else op


def payload_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def validate(op: Op) -> str | None:
    """Why an operation, written here or read from another console, is unusable, or None.

    The signature is checked by sync, which knows the author's key."""
    if op.v not in READABLE_VERSIONS:
        return (
            f"format version {op.v} (this console reads {', '.join(map(str, READABLE_VERSIONS))})"
        )
    problem = envelope_problem(op.as_dict()) or payload_problem(op.kind, op.payload)
    if problem:
        return problem
    size = len(op.payload_text.encode())
    limit = MAX_PAYLOAD_BYTES + (REISSUE_EXTRA_BYTES if op.kind == REISSUE else 0)
    if size > limit:
        return f"payload is {size} bytes; the limit is {limit}"
    if op.entity != entity_of(op.kind, op.payload):
        return "entity does not match payload"
    if op.hash != op.compute_hash():
        return "hash does not match content"
    if op.kind == REISSUE:
        original = original_of(op)
        if original.console_id == op.console_id:
            return "re-issues an operation of its own console id"
        problem = validate(original)
        return f"original: {problem}" if problem else None
    return None
