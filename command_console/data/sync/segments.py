"""Segment files: the only thing a console writes into the shared folder.

A segment holds a run of one console's operations and is written once:

    magic  b"CCSEG"  + format version (1 byte) + 2 reserved bytes     (8 bytes)
    frame  header JSON {"console_id", "first_seq", "last_seq", "count", "created_ms"}
    frame  one operation (Op.to_json())                                 x count
    frame  trailer JSON {"end": count}

    frame  = length (u32 big-endian) + crc32 of the body (u32 big-endian) + body

A torn or bit-flipped file shows up as a bad frame (length past the end, or a crc that
does not match); a file cut exactly at a frame boundary has no trailer. Intact frames
before (and, when the length is intact, after) the damage are still returned, so a
damaged file never hides the operations that survived. Each operation also carries its
own sha256 hash (core.ops.validate checks it) and the previous operation's hash.

Names: `<first_seq:010d>-<last_seq:010d>-<random8hex>.seg` inside the console's folder.
Conflict copies made by file-sync tools keep that prefix and are read like the original.
Nothing here imports SQL or Textual.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import stat
import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from command_console.core.ops import MAX_PAYLOAD_BYTES, Op
from command_console.i18n import _

MAGIC = b"CCSEG"
SEGMENT_VERSION = 1
HEADER = MAGIC + bytes([SEGMENT_VERSION, 0, 0])
FRAME = struct.Struct(">II")
MAX_FRAME = MAX_PAYLOAD_BYTES + 16 * 1024  # an op is its payload plus a few hundred bytes
MAX_SEGMENT_OPS = 5000
MAX_SEGMENT_BYTES = 64 * 1024 * 1024  # never read more at once; compaction stays well under it
SUFFIX = ".seg"
PUBLIC_KEY_FILE = "console.pub"  # the console's signing key (see keys.py), beside its segments
TEMP_PREFIX = ".tmp-"
NEED_PREFIX = "need-"  # need-<console>-<first>-<last>: "please publish this range again"
NEED_RE = re.compile(r"^need-([a-z0-9]{2,12})-(\d{1,10})-(\d{1,10})$")

NAME_RE = re.compile(r"^(\d{10})-(\d{10})-([0-9a-f]{8})")
EXACT_NAME_RE = re.compile(r"^(\d{10})-(\d{10})-([0-9a-f]{8})\.seg$")
CONSOLE_DIR_RE = re.compile(r"^[a-z0-9]{2,12}$")
CONFLICT_MARKS = (".sync-conflict-", "conflicted copy", "conflict")


@dataclass(frozen=True)
class SegmentName:
    first: int
    last: int
    token: str
    conflict_copy: bool


def segment_name(first: int, last: int) -> str:
    return f"{first:010d}-{last:010d}-{secrets.token_hex(4)}{SUFFIX}"


def parse_name(name: str) -> SegmentName | None:
    """The range a segment file name claims, also for conflict copies; None if not a segment."""
    match = NAME_RE.match(name)
    if not match or SUFFIX not in name:
        return None
    exact = EXACT_NAME_RE.match(name) is not None
    if not exact and not any(mark in name for mark in CONFLICT_MARKS):
        return None
    first, last = int(match.group(1)), int(match.group(2))
    if first < 1 or last < first:
        return None
    return SegmentName(first, last, match.group(3), not exact)


def name_problem(parsed: SegmentName, ops: list[Op]) -> str | None:
    """Why a file's name lies about the seqs its (intact) operations hold, or None.

    Writers name a segment after exactly the run it holds (conflict copies keep the
    prefix), so a name claiming more or other seqs was written by someone else; readers
    must not skip later files, or compact, on its word."""
    if not ops:
        return None
    seqs = [op.seq for op in ops]
    first, last = min(seqs), max(seqs)
    if (parsed.first, parsed.last) == (first, last):
        return None
    return _("its name claims seq {claimed} but it holds seq {held}").format(
        claimed=f"{parsed.first}-{parsed.last}", held=f"{first}-{last}"
    )


def need_name(console: str, first: int, last: int) -> str:
    return f"{NEED_PREFIX}{console}-{first}-{last}"


def parse_need(name: str) -> tuple[str, int, int] | None:
    match = NEED_RE.match(name)
    return (match.group(1), int(match.group(2)), int(match.group(3))) if match else None


def is_ignorable(name: str) -> bool:
    """Our own temp files and public key, hidden files and file-sync tools' temp/marker files."""
    return (
        name == PUBLIC_KEY_FILE
        or name.startswith((".", "~"))
        or name.endswith((".tmp", ".part", ".partial", "~"))
    )


def _frame(body: bytes) -> bytes:
    return FRAME.pack(len(body), zlib.crc32(body)) + body


def encode(console_id: str, ops: list[Op], created_ms: int) -> bytes:
    header = {
        "console_id": console_id,
        "first_seq": ops[0].seq,
        "last_seq": ops[-1].seq,
        "count": len(ops),
        "created_ms": created_ms,
    }
    parts = [HEADER, _frame(json.dumps(header, sort_keys=True).encode())]
    parts.extend(_frame(op.to_json().encode()) for op in ops)
    parts.append(_frame(json.dumps({"end": len(ops)}).encode()))
    return b"".join(parts)


@dataclass
class Decoded:
    header: dict[str, Any] | None = None  # the file's JSON header; None: unreadable
    ops: list[Op] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # short reasons, without the file name
    bad_records: list[tuple[int, str, object]] = field(
        default_factory=list
    )  # (seq or -index, why, record)
    fatal: bool = False  # nothing in the file can be trusted (foreign, future version)


def decode(data: bytes) -> Decoded:
    """Every intact operation in a segment, and why the rest (if any) was skipped."""
    out = Decoded()
    if not data.startswith(MAGIC):
        out.problems.append("not a Command Console segment (bad magic)")
        out.fatal = True
        return out
    if len(data) < len(HEADER):
        out.problems.append("truncated in the file header")
        out.fatal = True
        return out
    version = data[len(MAGIC)]
    if version != SEGMENT_VERSION:
        out.problems.append(
            f"segment format {version}, this console reads {SEGMENT_VERSION}: upgrade to read it"
        )
        out.fatal = True
        return out
    if data[len(MAGIC) + 1 : len(HEADER)] != HEADER[len(MAGIC) + 1 :]:
        out.problems.append("file header damaged (reserved bytes)")
        out.fatal = True
        return out
    frames, trailer_seen = _frames(data, len(HEADER), out.problems), None
    if not frames or frames[0][0] != 0:
        out.problems.append("header frame damaged")
        out.fatal = True
        return out
    try:
        header = _header(frames[0][1])
        if not isinstance(header, dict) or not isinstance(header.get("console_id"), str):
            raise ValueError("not an object")
        out.header = header
    except (ValueError, RecursionError):  # a header nested 40,000 deep stopped every pass
        out.header = None
        out.problems.append("header unreadable")
        out.fatal = True
        return out
    expected = out.header.get("count")
    trailer = b'{"end": %d}' % expected if isinstance(expected, int) else b""
    for index, body in frames[1:]:
        if body == trailer:  # what every writer writes; anything else is parsed below
            trailer_seen = expected
            continue
        try:
            if too_deep(body):
                raise RecursionError
            value = _JSON.decode(body.decode("utf-8"))
        except (ValueError, RecursionError):
            out.bad_records.append(
                (-index, "not JSON (or nested too deep)", body[:200].decode("utf-8", "replace"))
            )
            continue
        if isinstance(value, dict) and set(value) == {"end"}:
            trailer_seen = value["end"]
            continue
        try:
            out.ops.append(Op.from_dict(value))
        except (TypeError, ValueError) as exc:
            seq = value.get("seq") if isinstance(value, dict) else None
            seq = (
                seq
                if isinstance(seq, int) and not isinstance(seq, bool) and 0 < seq < 2**53
                else -index
            )
            out.bad_records.append((seq, f"record {index} is not a valid operation: {exc}", value))
    if trailer_seen is None:
        out.problems.append(f"truncated: {len(out.ops)} of {expected} operations readable")
    elif trailer_seen != expected:
        out.problems.append(f"trailer says {trailer_seen} operations, header {expected}")
    return out


_JSON = json.JSONDecoder()
_QUOTES = re.compile(rb'\\.|"')  # an escape, or a quote that opens or closes a string
DEEP_LOOKAHEAD = 4096  # bytes of a record looked at before a run of `[`; bounds the work


_HEADER_AS_WRITTEN = re.compile(
    rb'\{"console_id": "([a-z0-9]{1,64})", "count": (0|[1-9][0-9]{0,15}), '
    rb'"created_ms": (-?(?:0|[1-9][0-9]{0,15})), "first_seq": (0|[1-9][0-9]{0,15}), '
    rb'"last_seq": (0|[1-9][0-9]{0,15})\}'
)


def _header(body: bytes) -> object:
    """A header frame's JSON: the form every writer writes (encode()) is read directly,
    anything else goes to the parser; both give the same value."""
    match = _HEADER_AS_WRITTEN.fullmatch(body)
    if match is None:
        if too_deep(body):
            raise RecursionError("nested too deep")
        return _JSON.decode(body.decode("utf-8"))
    console, count, created, first, last = match.groups()
    return {
        "console_id": console.decode(),
        "count": int(count),
        "created_ms": int(created),
        "first_seq": int(first),
        "last_seq": int(last),
    }


def too_deep(body: bytes) -> bool:
    """Whether a record certainly nests deeper than json can parse (its recursion limit),
    found without parsing: a run of more `[` than the limit, starting in the first
    DEEP_LOOKAHEAD bytes, outside any string. The parser would spend ~1,000 levels of work
    on `[[[[...` before giving up; this costs a bounded search. Exact for valid JSON (such
    a run is that deep); anything else, or later, is left to the parser as before."""
    run = b"[" * (sys.getrecursionlimit() + 1)
    at = body.find(run, 0, DEEP_LOOKAHEAD + len(run))
    if at < 0:
        return False
    in_string = False
    for mark in _QUOTES.finditer(body, 0, at):
        if mark.group() == b'"':
            in_string = not in_string
    return not in_string


def _frames(data: bytes, pos: int, problems: list[str]) -> list[tuple[int, bytes]]:
    """(index, body) of each frame whose crc matches; stops where the framing is lost."""
    frames, index, end = [], 0, len(data)
    while pos < end:
        if pos + FRAME.size > end:
            problems.append(f"record {index}: torn frame at byte {pos}")
            break
        length, crc = FRAME.unpack_from(data, pos)
        if length > MAX_FRAME or pos + FRAME.size + length > end:
            problems.append(
                f"record {index}: frame length {length} runs past the end (torn or damaged at byte {pos})"
            )
            break
        body = data[pos + FRAME.size : pos + FRAME.size + length]
        if zlib.crc32(body) != crc:
            problems.append(f"record {index}: checksum mismatch (damaged)")
        else:
            frames.append((index, body))
        pos += FRAME.size + length
        index += 1
    return frames


def read_bounded(path: Path | str, limit: int) -> bytes:
    """A regular file's bytes, never through a symlink, never past limit (OSError otherwise)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"{info.st_size} bytes, over the {limit} a segment may have")
        chunks, left = [], info.st_size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_segment(
    folder: Path, console_id: str, ops: list[Op], created_ms: int, mode: int = 0o600
) -> tuple[str, int]:
    """Write ops durably as a new segment in folder: temp name, fsync, rename, fsync dir.

    Returns (file name, size). On any OSError the temp file is removed and the error raised.
    """
    data = encode(console_id, ops, created_ms)
    name = segment_name(ops[0].seq, ops[-1].seq)
    tmp = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}.part"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, folder / name)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)
    return name, len(data)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some network filesystems refuse fsync on a directory
    finally:
        os.close(fd)
