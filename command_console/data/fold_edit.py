"""The fold of the fixes a lead makes to a mistaken incident: a change of plan, the
cancelling of an incident, the correction or retraction of a log entry.

Like fold.py: plain SQL, every instant from the operations. Each handler is total: an op
about an incident (or entry) this console does not have changes nothing and never raises.
- `incident.plan` replaces the incident's steps by the new plan's, timed from the change;
  the old steps' history stays in the timeline (their entries are never removed) and the
  change's entry says how far the old plan had come. Not order-free: a late one refolds.
- `incident.cancel` sets the status (stamped like any status change, so a concurrent
  resolve is a conflict entry) and closes it at the cancel's time.
- `entry.amend` is a pure insert keyed by its op (order-free): a read shows each entry's
  latest correction, whether the correction or the entry arrived first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from sqlite3 import Connection
from types import ModuleType

from command_console.core.incidents import EntryKind, Status
from command_console.core.ops import Op
from command_console.data import fold_steps
from command_console.data.timestamps import to_iso

ORDER_FREE = frozenset({"entry.amend"})


def clear_entity(conn: Connection, entity: str) -> None:
    conn.execute("DELETE FROM entry_amendments WHERE entity = ?", (entity,))


def _fold() -> ModuleType:  # imported late: fold imports this module
    from command_console.data import fold

    return fold


def _old_steps_summary(conn: Connection, incident_id: str) -> str:
    """'2 done, 1 skipped, 4 not done' for the steps the plan had (held ones not counted)."""
    counts = dict(
        conn.execute(
            "SELECT state, count(*) FROM steps WHERE incident_id = ? GROUP BY state",
            (incident_id,),
        ).fetchall()
    )
    return (
        f"{counts.get('done', 0)} done, {counts.get('skipped', 0)} skipped, "
        f"{counts.get('pending', 0)} not done"
    )


def _incident_plan(conn: Connection, op: Op, at: datetime) -> None:
    p, plan = op.payload, op.payload["plan"]
    row = conn.execute(
        "SELECT plan_title, severity FROM incidents WHERE id = ?", (p["id"],)
    ).fetchone()
    if row is None:
        return
    old_title, severity = row[0], row[1]
    fold = _fold()
    fold._stamp(conn, op, at, "plan", old_title, plan["title"])
    summary = _old_steps_summary(conn, p["id"])
    conn.execute("DELETE FROM steps WHERE incident_id = ?", (p["id"],))
    conn.execute("DELETE FROM held_steps WHERE incident_id = ?", (p["id"],))
    fold_steps.open_steps(conn, p["id"], plan["steps"], severity, at, added=at)
    conn.execute(
        "UPDATE incidents SET plan_id = ?, plan_title = ?, category = ? WHERE id = ?",
        (plan["id"], plan["title"], plan["category"], p["id"]),
    )
    fold._entry(
        conn,
        op,
        at,
        EntryKind.STATUS,
        f"Plan changed from {old_title} to {plan['title']} by {op.author}; steps of "
        f"{old_title}: {summary}; the steps of {plan['title']} count from now",
        p["id"],
    )


def _incident_cancel(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    row = conn.execute("SELECT status FROM incidents WHERE id = ?", (p["id"],)).fetchone()
    if row is None:
        return
    fold = _fold()
    fold._stamp(conn, op, at, "status", str(row[0]), Status.CANCELLED.value)
    conn.execute(
        "UPDATE incidents SET status = ?, resolved_at = ? WHERE id = ?",
        (Status.CANCELLED.value, to_iso(at), p["id"]),
    )
    fold._entry(
        conn,
        op,
        at,
        EntryKind.STATUS,
        f"Cancelled by {op.author} (was {row[0]}): {p['reason']}",
        p["id"],
    )


def _entry_amend(conn: Connection, op: Op, at: datetime) -> None:
    p = op.payload
    conn.execute(
        "INSERT OR IGNORE INTO entry_amendments (id, entity, incident_id, entry_id, hlc, "
        "console_id, at, author, text, retracted, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            op.id,
            op.entity,
            p["incident_id"],
            p["entry_id"],
            op.hlc,
            op.console_id,
            to_iso(at),
            op.author,
            p["text"],
            bool(p["retracted"]),
            p["reason"],
        ),
    )


def handlers() -> dict[str, Callable[[Connection, Op, datetime], None]]:
    return {
        "incident.plan": _incident_plan,
        "incident.cancel": _incident_cancel,
        "entry.amend": _entry_amend,
    }
