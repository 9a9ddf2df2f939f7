"""The shift lead's duties beyond the incident itself, as plain data (seeds 000, 001, 003):

- upward reports: who must be told, by when, per severity (the chain by level);
- the post-incident review and its corrective actions;
- drills (an incident opened as a drill);
- shift routines: recurring duties such as the daily summary and the floor patrol.

Pure functions: callers pass "now"; nothing here reads the store, a file or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from command_console.core.incidents import Incident, Severity
from command_console.core.timers import seconds_until
from command_console.i18n import N_, _, ngettext


@dataclass(frozen=True)
class UpwardRule:
    """Tell `role` within `deadline_s` of the incident's start once its severity reaches
    `from_severity` (counted from the raise when it is raised later)."""

    role: str
    deadline_s: int
    from_severity: Severity = Severity.GENERAL

    def as_payload(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "deadline_s": self.deadline_s,
            "from_severity": self.from_severity.value,
        }


# The chain by level. Seed 000: every incident is reported to the emergency leading group
# "及时如实 ... 不得拖延"; the bank centre reports to the department head and the centre manager
# "在处理问题的同时". Seed 001: 较大 to the hotline management department, 特别重大 to the
# superior department with a request for support. The minutes are this site's default
# reading of "at once / timely"; duties.toml changes them.
DEFAULT_UPWARD_RULE: tuple[UpwardRule, ...] = (
    UpwardRule("emergency-team", 15 * 60, Severity.GENERAL),
    UpwardRule("management", 30 * 60, Severity.SERIOUS),
    UpwardRule("department-head", 30 * 60, Severity.MAJOR),
    UpwardRule("centre-manager", 30 * 60, Severity.MAJOR),
    UpwardRule("higher-authority", 15 * 60, Severity.CRITICAL),
)


class Via(StrEnum):
    PHONE = "phone"
    WRITTEN = "written"
    MESSAGE = "message"


class VersionKind(StrEnum):
    INITIAL = "initial"
    FOLLOWUP = "followup"
    FINAL = "final"


VIA_LABELS = {"phone": N_("by phone"), "written": N_("in writing"), "message": N_("by message")}
VERSION_LABELS = {
    "initial": N_("initial report"),
    "followup": N_("follow-up report"),
    "final": N_("final report"),
}


def via_label(via: str) -> str:
    return _(VIA_LABELS[via]) if via in VIA_LABELS else via


def version_label(kind: str, number: int | None = None) -> str:
    label = _(VERSION_LABELS[kind]) if kind in VERSION_LABELS else kind
    return label if number is None else _("{label} v{number}").format(label=label, number=number)


@dataclass(frozen=True)
class UpwardDue:
    """One required upward report of an incident and whether it was made."""

    incident_id: str
    role: str
    deadline_s: int
    due_at: datetime
    told_at: datetime | None = None
    told_to: str = ""

    @property
    def done(self) -> bool:
        return self.told_at is not None

    def late_by(self, now: datetime) -> int | None:
        """Seconds past due: told late (told_at after due) or still untold after due; else None."""
        if self.told_at is not None:
            late = int((self.told_at - self.due_at).total_seconds())
            return late if late > 0 else None
        late = -seconds_until(self.due_at, now)
        return late if late >= 0 else None

    def seconds_left(self, now: datetime) -> int | None:
        return None if self.done else seconds_until(self.due_at, now)


@dataclass(frozen=True)
class UpwardReport:
    """A record that someone was told: to whom, how, when, which report version."""

    id: str
    incident_id: str
    to: str
    role: str | None
    via: str
    told_at: datetime
    version: int
    version_kind: str
    author: str


@dataclass(frozen=True)
class ReportVersion:
    """A sent version of the seven-field report, frozen when first sent."""

    incident_id: str
    number: int
    kind: str
    fields: dict[str, Any]
    frozen_at: datetime
    frozen_by: str


def upward_ringing(dues: Iterable[UpwardDue], now: datetime) -> list[UpwardDue]:
    """Untold upward reports past their deadline, most overdue first."""
    return sorted((d for d in dues if not d.done and d.due_at <= now), key=lambda d: d.due_at)


# -- the post-incident review --------------------------------------------------

REVIEW_FIELDS: dict[str, str] = {
    "cause": N_("Cause"),
    "went_well": N_("What went well"),
    "went_badly": N_("What went badly"),
    "submitted_to": N_("Review submitted to"),
    "participants": N_("Drill participants"),
    "evaluation": N_("Drill evaluation"),
}
REVIEW_FIELDS_ZH = {
    "cause": "原因",
    "went_well": "做得好的",
    "went_badly": "不足",
    "submitted_to": "总结材料报送",
    "participants": "参加人员",
    "evaluation": "评估情况",
}
DRILL_FIELDS = ("participants", "evaluation")


def review_field_label(key: str) -> str:
    return _(REVIEW_FIELDS[key]) if key in REVIEW_FIELDS else key


def review_missing(values: dict[str, str], drill: bool) -> list[str]:
    """Review fields still empty; a drill's review also needs its participants and evaluation."""
    wanted = [k for k in REVIEW_FIELDS if drill or k not in DRILL_FIELDS]
    return [k for k in wanted if not values.get(k, "").strip()]


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


@dataclass(frozen=True)
class CorrectiveAction:
    id: str
    incident_id: str
    text: str
    owner: str
    due_at: datetime
    status: str = ActionStatus.OPEN
    created_at: datetime | None = None
    done_at: datetime | None = None
    done_by: str = ""
    done_note: str = ""

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    def overdue(self, now: datetime) -> bool:
        return self.is_open and self.due_at <= now


# -- shift routines -------------------------------------------------------------


@dataclass(frozen=True)
class Routine:
    """A recurring shift duty: every `every_s` seconds, or daily by `at` (local time)."""

    id: str
    title: str
    title_zh: str = ""
    every_s: int | None = None
    at: time | None = None

    def title_in(self, language: str) -> str:
        return self.title_zh if self.title_zh and language.lower().startswith("zh") else self.title


# Seed 000 (商业银行客户服务中心): "每天17:00前由代班班长总结当日运行情况, 以短信或电话形式向部门领导及中心经理
# 汇报" and "由代班班长每半小时进行巡视".
DEFAULT_ROUTINES: tuple[Routine, ...] = (
    Routine(
        "daily-summary",
        "Sum up the day's operation and report it before 17:00",
        "17:00前总结当日运行情况并向部门领导及中心经理汇报",
        at=time(17, 0),
    ),
    Routine(
        "floor-patrol",
        "Patrol the floor (fire, theft) every half hour",
        "每半小时巡视(防火、防盗)",
        every_s=30 * 60,
    ),
)


@dataclass(frozen=True)
class RoutineState:
    routine: Routine
    due_at: datetime
    last_done: datetime | None

    def seconds_left(self, now: datetime) -> int:
        return seconds_until(self.due_at, now)

    def overdue(self, now: datetime) -> bool:
        return self.due_at <= now


def routine_due(
    routine: Routine, last_done: datetime | None, since: datetime, now: datetime, zone: ZoneInfo
) -> datetime:
    """When a routine is next due. An interval routine counts from its last doing (or from
    `since`, the shift's start); a daily one is due at its local time each day, until done
    that day (after it is done, the next day's)."""
    if routine.every_s is not None:
        return (last_done or since) + timedelta(seconds=routine.every_s)
    local_now = now.astimezone(zone)
    today = datetime.combine(local_now.date(), routine.at or time(0, 0), zone)
    day_start = datetime.combine(local_now.date(), time(0, 0), zone)
    if last_done is not None and last_done >= day_start:
        today = datetime.combine(
            local_now.date() + timedelta(days=1), routine.at or time(0, 0), zone
        )
    return today.astimezone(now.tzinfo)


def routine_states(
    routines: Iterable[Routine],
    done_times: dict[str, datetime],
    since: datetime,
    now: datetime,
    zone: ZoneInfo,
) -> list[RoutineState]:
    return [
        RoutineState(
            r, routine_due(r, done_times.get(r.id), since, now, zone), done_times.get(r.id)
        )
        for r in routines
    ]


def parse_due(text: str, now: datetime, zone: ZoneInfo, *, field: str = "--due") -> datetime:
    """A due date as typed: '2026-11-30 17:00', ISO 8601, or ahead of now: '+2d', 'in 3 days', '3天后'.
    (core.when reads the past forms; a span ahead is the same span, the other way.)"""
    from command_console.core.when import parse_when

    value = text.strip()
    ahead = None
    for prefix in ("+", "in "):
        if value.lower().startswith(prefix):
            ahead = value[len(prefix) :].strip()
    if value.endswith(("后", "以后", "之后")):
        ahead = value.rstrip("以之后").strip()
    if ahead is not None:
        return now + (now - parse_when(ahead + " ago", now, zone, field=field))
    return parse_when(value, now, zone, field=field)


# -- the console's incident list: which incidents, and how many of them are real --------

INCIDENT_VIEWS = ("open", "resolved", "archive")  # `o` cycles: open, with resolved, the archive


def next_incident_view(view: str) -> str:
    return INCIDENT_VIEWS[(INCIDENT_VIEWS.index(view) + 1) % len(INCIDENT_VIEWS)]


def incidents_title(incidents: Sequence[Incident], view: str) -> str:
    """The incident list's title: open real incidents, open drills apart (never counted as
    incidents), and which view it is. `incidents` carry `is_open` and `drill`."""
    if view == "archive":
        return _("Archive ({n} archived incidents)").format(n=len(incidents))
    real = sum(1 for i in incidents if i.is_open and not i.drill)
    drills = sum(1 for i in incidents if i.is_open and i.drill)
    title = (
        _("Incidents ({n} open, resolved shown)")
        if view == "resolved"
        else _("Incidents ({n} open)")
    ).format(n=real)
    if drills:
        title += " " + ngettext("+ {n} drill", "+ {n} drills", drills).format(n=drills)
    return title
