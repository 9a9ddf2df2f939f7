"""The fold of an incident's plan steps: when each deadline starts counting.

A deadline counts from the incident's start, unless the step
- names another step (`after`): it counts from that step's completion, and the step has
  no due time (it waits) until then; reopening that step makes it wait again;
- applies from a higher severity (`from_severity`): it is held in `held_steps` until the
  severity is raised to that level, then added with its deadline counted from the raise;
- is `at_once`: urgent from the start, never due.
Every instant comes from the operations (their HLC time), never the wall clock, so a
rebuild from the ops gives the same tables. Old snapshots lack these keys: defaults apply.
"""

from __future__ import annotations

import json
from datetime import datetime
from sqlite3 import Connection
from typing import Any

from command_console.core.incidents import Severity
from command_console.core.timers import due_at
from command_console.data.timestamps import from_iso, to_iso

_INSERT = (
    "INSERT OR IGNORE INTO steps (incident_id, step_id, position, text, deadline_s, contact_role, escalate, note, "
    "due_at, state, state_by, state_note, text_zh, note_zh, after_step, from_severity, at_once, guidance, added_at) "
    "VALUES (:i, :s, :pos, :text, :deadline, :role, :escalate, :note, :due, 'pending', '', '', :text_zh, :note_zh, "
    ":after, :from_severity, :at_once, :guidance, :added)"
)


def _rank(severity: object) -> int:
    """A severity's rank; none, or one this console does not know, applies from the start."""
    return next((s.rank for s in Severity if s.value == severity), 0)


def open_steps(
    conn: Connection,
    incident_id: str,
    steps: list[dict[str, Any]],
    severity: str,
    started: datetime,
    added: datetime | None = None,
) -> None:
    """added: when a change of plan brought the steps (their deadlines count from it and a
    later change of the start time leaves them alone); None at opening."""
    for position, step in enumerate(steps):
        if _rank(step.get("from_severity")) > _rank(severity):
            conn.execute(
                "INSERT OR IGNORE INTO held_steps (incident_id, step_id, position, step) "
                "VALUES (?, ?, ?, ?)",
                (
                    incident_id,
                    step["id"],
                    position,
                    json.dumps(step, sort_keys=True, ensure_ascii=False),
                ),
            )
        else:
            _insert(conn, incident_id, position, step, started, added)


def _insert(
    conn: Connection,
    incident_id: str,
    position: int,
    step: dict[str, Any],
    base: datetime,
    added: datetime | None,
) -> None:
    after = step.get("after") or None
    timed = after is None and not step.get("at_once")
    conn.execute(
        _INSERT,
        {
            "i": incident_id,
            "s": step["id"],
            "pos": position,
            "text": step["text"],
            "deadline": step.get("deadline_s"),
            "role": step.get("contact_role"),
            "escalate": bool(step.get("escalate")),
            "note": step.get("note", ""),
            "due": to_iso(due_at(base, step.get("deadline_s"))) if timed else None,
            "text_zh": step.get("text_zh", ""),
            "note_zh": step.get("note_zh", ""),
            "after": after,
            "from_severity": step.get("from_severity"),
            "at_once": bool(step.get("at_once")),
            "guidance": bool(step.get("guidance")),
            "added": to_iso(added),
        },
    )
    if after is not None:
        refresh_after(conn, incident_id, after)


def restart(conn: Connection, incident_id: str, started: datetime) -> None:
    """The start time changed: move the deadlines that count from it."""
    rows = conn.execute(
        "SELECT step_id, deadline_s FROM steps WHERE incident_id = ? AND after_step IS NULL "
        "AND added_at IS NULL AND NOT at_once",
        (incident_id,),
    ).fetchall()
    for step_id, deadline_s in rows:
        conn.execute(
            "UPDATE steps SET due_at = ? WHERE incident_id = ? AND step_id = ?",
            (to_iso(due_at(started, deadline_s)), incident_id, step_id),
        )


def refresh_after(conn: Connection, incident_id: str, step_id: str) -> None:
    """Set the due times of the steps that wait for step_id: counted from its completion
    (or from when they were added, if later); none while it is not done."""
    ref = conn.execute(
        "SELECT state, state_at FROM steps WHERE incident_id = ? AND step_id = ?",
        (incident_id, step_id),
    ).fetchone()
    done_at = from_iso(ref[1]) if ref is not None and ref[0] == "done" else None
    waiting = conn.execute(
        "SELECT step_id, deadline_s, added_at, at_once FROM steps WHERE incident_id = ? "
        "AND after_step = ?",
        (incident_id, step_id),
    ).fetchall()
    for waiter, deadline_s, added_at, at_once in waiting:
        base = max(done_at, from_iso(added_at) or done_at) if done_at is not None else None
        due = due_at(base, deadline_s) if base is not None and not at_once else None
        conn.execute(
            "UPDATE steps SET due_at = ? WHERE incident_id = ? AND step_id = ?",
            (to_iso(due), incident_id, waiter),
        )


def raise_severity(conn: Connection, incident_id: str, severity: str, at: datetime) -> list[str]:
    """Add the held steps that apply at this severity, deadlines counted from `at`.
    Returns their texts, for the timeline. Lowering the severity removes nothing."""
    held = conn.execute(
        "SELECT step_id, position, step FROM held_steps WHERE incident_id = ? ORDER BY position",
        (incident_id,),
    ).fetchall()
    added = []
    for step_id, position, payload in held:
        step = json.loads(payload)
        if _rank(step.get("from_severity")) <= _rank(severity):
            _insert(conn, incident_id, position, step, at, at)
            conn.execute(
                "DELETE FROM held_steps WHERE incident_id = ? AND step_id = ?",
                (incident_id, step_id),
            )
            added.append(step["text"])
    return added
