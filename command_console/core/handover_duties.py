"""What the handover carries of the duties: open corrective actions (they cross shifts
until closed), upward reports still owed, the routines and when each is due, and the
drills running (apart from the real incidents). Pure: the caller passes data and now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from command_console.core.contacts import role_label
from command_console.core.duties import CorrectiveAction, RoutineState, UpwardDue
from command_console.core.incidents import Incident
from command_console.core.text import clean
from command_console.core.timers import format_countdown
from command_console.i18n import _, current_language


@dataclass(frozen=True)
class HandoverDuties:
    at: datetime
    actions: tuple[CorrectiveAction, ...] = ()
    upward: tuple[UpwardDue, ...] = ()  # untold, of open incidents
    routines: tuple[RoutineState, ...] = ()
    drills: tuple[Incident, ...] = ()  # open drills: listed apart, never counted as incidents

    @property
    def is_quiet(self) -> bool:
        return not (self.actions or self.upward or self.drills)


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def duties_dict(duties: HandoverDuties) -> dict[str, Any]:
    """For the handover operation (kept small: ids, texts cut to 200 characters)."""
    return {
        "open_actions": [
            {
                "id": a.id,
                "incident_id": a.incident_id,
                "text": clean(a.text)[:200],
                "owner": clean(a.owner),
                "due_at": _iso(a.due_at),
                "overdue": a.overdue(duties.at),
            }
            for a in duties.actions[:50]
        ],
        "upward_owed": [
            {
                "incident_id": d.incident_id,
                "role": d.role,
                "due_at": _iso(d.due_at),
                "overdue": d.due_at <= duties.at,
            }
            for d in duties.upward[:50]
        ],
        "routines": [
            {"id": r.routine.id, "due_at": _iso(r.due_at), "last_done": _iso(r.last_done)}
            for r in duties.routines[:20]
        ],
        "drills": [{"id": i.id, "title": clean(i.title)[:200]} for i in duties.drills[:20]],
    }


def duty_counts(duties: HandoverDuties) -> dict[str, Any]:
    return {
        "open_actions": len(duties.actions),
        "upward_owed": len(duties.upward),
        "drills": len(duties.drills),
    }


def duty_lines(duties: HandoverDuties, zone: tzinfo) -> list[str]:
    """Plain lines for the CLI and the handover screen, after the incident sections."""

    def hm(instant: datetime | None) -> str:
        return instant.astimezone(zone).strftime("%m-%d %H:%M") if instant else ""

    def left(instant: datetime) -> str:
        seconds = int((instant - duties.at).total_seconds())
        return (_("OVERDUE {countdown}") if seconds <= 0 else _("in {countdown}")).format(
            countdown=format_countdown(seconds)
        )

    none = "  " + _("none")
    lines = [_("Upward reports owed ({n})").format(n=len(duties.upward))]
    lines += [
        f"  {d.incident_id}  {role_label(d.role, current_language())}  "
        + _("due {time} ({countdown})").format(time=hm(d.due_at), countdown=left(d.due_at))
        for d in duties.upward
    ] or [none]
    lines.append(_("Open corrective actions ({n})").format(n=len(duties.actions)))
    lines += [
        f"  {a.id}  {a.incident_id}  "
        + _("{owner}, due {due}").format(owner=a.owner, due=hm(a.due_at))
        + (" " + _("OVERDUE") if a.overdue(duties.at) else "")
        + f"  {a.text}"
        for a in duties.actions
    ] or [none]
    lines.append(_("Routines ({n})").format(n=len(duties.routines)))
    lines += [
        f"  {r.routine.title_in(current_language())} ({r.routine.id})  "
        + _("due {time} ({countdown})").format(time=hm(r.due_at), countdown=left(r.due_at))
        + ("  " + _("last {time}").format(time=hm(r.last_done)) if r.last_done else "")
        for r in duties.routines
    ] or [none]
    if duties.drills:
        lines.append(_("Drills running ({n}), not real incidents").format(n=len(duties.drills)))
        lines += [f"  {i.id}  {i.title}" for i in duties.drills]
    return [clean(line) for line in lines]
