"""Forging what a hostile (or broken) console could put in the share: records of any
shape, signed with any key (or none), in framed segment files of any content.

Self-contained on purpose (framing, hashing and signing written out here, nothing
imported from command_console): the regression tests that use it also run against the
code from before the trust boundary (efdf53f) to show they failed there.
Works on plain dicts so a field may hold any JSON value (wrong type, huge, negative),
and on raw bytes for records no dict can express (JSON nested 40,000 deep).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import struct
import zlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

DEEP = 40_000
HEADER = b"CCSEG" + bytes([1, 0, 0])
FRAME = struct.Struct(">II")
PUBLIC_KEY_FILE = "console.pub"
GENESIS = "0" * 64
HLC_BITS = 16


class Signer:
    """An Ed25519 key as a console holds one: sign(op hash) -> base64 signature."""

    def __init__(self) -> None:
        self._key = Ed25519PrivateKey.generate()
        raw = self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = base64.b64encode(raw).decode()

    def sign(self, op_hash: str) -> str:
        return base64.b64encode(self._key.sign(op_hash.encode())).decode()


def new_signer() -> Signer:
    return Signer()


def publish_key(folder: Path, public_key: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PUBLIC_KEY_FILE).write_text(public_key + "\n")


def entity(kind: str, payload: dict) -> str:
    if kind.startswith(("incident.", "entry.", "call.", "step.", "report.")):
        return "incident:" + str(payload.get("incident_id") or payload["id"])
    if kind.startswith("contact."):
        return "contact:" + str(payload["id"])
    return "shift:" + str(payload["id"])


def op(
    console: str,
    seq: int,
    kind: str,
    payload: dict,
    *,
    prev_hash: str,
    ms: int,
    author: str = "Mallory",
    signer: Signer | None = None,
    v: int = 1,
) -> dict:
    """A sealed operation record. v=1 without a signer is the format every version reads."""
    rec = {
        "id": secrets.token_hex(16),
        "console_id": console,
        "seq": seq,
        "hlc": ms << HLC_BITS,
        "kind": kind,
        "entity": entity(kind, payload),
        "author": author,
        "payload": payload,
        "prev_hash": prev_hash,
        "v": v,
    }
    if v >= 2:
        rec["wall"] = ms
    return seal(rec, signer)


def record(op_: object) -> dict:
    return json.loads(json.dumps(op_.as_dict() if hasattr(op_, "as_dict") else op_))


def seal(rec: dict, signer: Signer | None) -> dict:
    """Recompute the hash as an honest writer would, and sign it (v1 without a signer: no sig field)."""
    body = {k: v for k, v in rec.items() if k not in ("hash", "sig")}
    if rec.get("v") == 1:
        body.pop("wall", None)
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    rec = dict(rec, hash=hashlib.sha256(canonical).hexdigest())
    rec.pop("sig", None)
    if signer is not None:
        rec["sig"] = signer.sign(rec["hash"])
    elif rec.get("v") != 1:
        rec["sig"] = ""
    return rec


def body(rec: dict) -> bytes:
    return json.dumps(rec, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def deep_body(rec: dict, depth: int = DEEP) -> bytes:
    """The record with its payload replaced by JSON arrays nested `depth` deep."""
    text = body(dict(rec, payload="@@DEEP@@"))
    return text.replace(b'"@@DEEP@@"', b"[" * depth + b"]" * depth)


def frame(data: bytes) -> bytes:
    return FRAME.pack(len(data), zlib.crc32(data)) + data


def segment_bytes(
    console_id: str, bodies: list[bytes], first: int, last: int, created_ms: int
) -> bytes:
    """A well-framed segment around any record bytes (header, records, trailer)."""
    header = {
        "console_id": console_id,
        "first_seq": first,
        "last_seq": last,
        "count": len(bodies),
        "created_ms": created_ms,
    }
    parts = [HEADER, frame(json.dumps(header, sort_keys=True).encode())]
    parts += [frame(b) for b in bodies]
    parts.append(frame(json.dumps({"end": len(bodies)}).encode()))
    return b"".join(parts)


def drop(folder: Path, data: bytes, first: int, last: int) -> Path:
    """Put a file named like a segment into folder, written in one go."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{first:010d}-{last:010d}-{secrets.token_hex(4)}.seg"
    tmp = folder / f".tmp-{secrets.token_hex(4)}.part"
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def drop_ops(
    folder: Path,
    console: str,
    recs: list[dict],
    created_ms: int,
    first: int | None = None,
    last: int | None = None,
) -> Path:
    """A segment of records; its name may claim another range (first, last) than they hold."""
    seqs = [r["seq"] for r in recs]
    return drop(
        folder,
        segment_bytes(console, [body(r) for r in recs], min(seqs), max(seqs), created_ms),
        min(seqs) if first is None else first,
        max(seqs) if last is None else last,
    )


def damaged(data: bytes, how: str, where: float) -> bytes:
    """A segment cut short, or with a few bytes flipped, at a relative position."""
    spot = len(HEADER) + int((len(data) - len(HEADER) - 1) * where)
    if how == "truncate":
        return data[:spot]
    flipped = bytearray(data)
    for i in range(spot, min(spot + 3, len(data))):
        flipped[i] ^= 0xA5
    return bytes(flipped)


def read_records(path: Path) -> list[dict]:
    """The operation records of an honest segment file (header and trailer left out)."""
    data, pos, found = path.read_bytes(), len(HEADER), []
    while pos + FRAME.size <= len(data):
        length, _crc = FRAME.unpack_from(data, pos)
        found.append(json.loads(data[pos + FRAME.size : pos + FRAME.size + length]))
        pos += FRAME.size + length
    return [r for r in found[1:] if "seq" in r and "kind" in r]


def folder_records(folder: Path) -> dict[int, dict]:
    """seq -> record of every operation in a console's folder."""
    return {r["seq"]: r for path in sorted(folder.glob("*.seg")) for r in read_records(path)}
