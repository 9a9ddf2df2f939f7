"""Operations: every change is one, and the readable tables are their fold.

An operation is immutable once written. Its hash covers every field and the hash of the
same console's previous operation, so each console's history is a hash chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace

OP_FORMAT_VERSION = 1
MAX_PAYLOAD_BYTES = 64 * 1024
GENESIS_HASH = "0" * 64

_STR, _INT, _BOOL, _DICT, _LIST = str, int, bool, dict, list
_OPT_STR = (str, type(None))
_OPT_INT = (int, type(None))

# kind -> required payload keys and their types. Unknown keys are refused too.
PAYLOAD_SCHEMAS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "incident.open": {"id": _STR, "title": _STR, "plan": _DICT, "severity": _STR, "started_at": _INT},
    "incident.set": {"id": _STR, "field": _STR, "value": (str, int), "base": _OPT_STR},
    "entry.add": {"incident_id": _STR, "kind": _STR, "text": _STR},
    "call.add": {"incident_id": _STR, "contact_id": _STR, "name": _STR, "phone": _STR, "role": _STR, "outcome": _STR},
    "step.set": {"incident_id": _STR, "step_id": _STR, "state": _STR, "note": _STR},
    "step.ack": {"incident_id": _STR, "step_id": _STR},
    "report.set": {"incident_id": _STR, "field": _STR, "value": _STR, "base": _OPT_STR},
    "report.status": {"incident_id": _STR, "status": _STR},
    "contact.upsert": {"id": _STR, "name": _STR, "roles": _DICT, "phones": _LIST, "notes": _STR, "on_duty": _BOOL},
    "contact.remove": {"id": _STR},
    "shift.start": {"id": _STR, "lead": _STR},
    "shift.handover": {"id": _STR, "note": _STR, "next_lead": _STR, "summary": _DICT},
}
INCIDENT_FIELDS = ("title", "severity", "status", "started_at")


def entity_of(kind: str, payload: dict) -> str:
    """The entity an operation belongs to; each entity's tables fold from its ops alone."""
    if kind.startswith(("incident.", "entry.", "call.", "step.", "report.")):
        return "incident:" + (payload.get("incident_id") or payload["id"])
    if kind.startswith("contact."):
        return "contact:" + payload["id"]
    return "shift:" + payload["id"]


@dataclass(frozen=True)
class Op:
    id: str
    console_id: str
    seq: int
    hlc: int
    kind: str
    entity: str
    author: str
    payload: dict = field(compare=False)
    prev_hash: str
    hash: str = ""
    v: int = OP_FORMAT_VERSION

    @property
    def sort_key(self) -> tuple[int, str, int]:
        return (self.hlc, self.console_id, self.seq)

    def as_dict(self) -> dict:
        return {"id": self.id, "console_id": self.console_id, "seq": self.seq, "hlc": self.hlc, "kind": self.kind,
                "entity": self.entity, "author": self.author, "payload": self.payload,
                "prev_hash": self.prev_hash, "hash": self.hash, "v": self.v}

    def canonical(self) -> bytes:
        body = self.as_dict()
        del body["hash"]
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def sealed(self) -> Op:
        return replace(self, hash=self.compute_hash())

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @staticmethod
    def from_dict(data: dict) -> Op:
        return Op(**data)


def payload_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def validate(op: Op) -> str | None:
    """Why an operation (typically one read from another console) is unusable, or None."""
    if op.v != OP_FORMAT_VERSION:
        return f"format version {op.v} (this console reads {OP_FORMAT_VERSION})"
    schema = PAYLOAD_SCHEMAS.get(op.kind)
    if schema is None:
        return f"unknown kind {op.kind!r}"
    if not isinstance(op.payload, dict):
        return "payload is not an object"
    if len(payload_json(op.payload).encode()) > MAX_PAYLOAD_BYTES:
        return f"payload over {MAX_PAYLOAD_BYTES} bytes"
    extra = set(op.payload) - set(schema)
    if extra:
        return f"unknown payload keys {sorted(extra)}"
    for key, expected in schema.items():
        value = op.payload.get(key)
        if key not in op.payload or not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            return f"payload key {key!r} missing or of the wrong type"
    if op.entity != entity_of(op.kind, op.payload):
        return "entity does not match payload"
    if op.hash != op.compute_hash():
        return "hash does not match content"
    return None
