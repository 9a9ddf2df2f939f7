"""What a shift report holds, read from the store once; every writer renders this."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from command_console.core.handover import Callback, awaiting_callbacks, count_label
from command_console.core.incidents import (
    Call,
    EntryKind,
    Incident,
    PlanStepRun,
    Shift,
    StepState,
    TimelineEntry,
    read_enum,
)
from command_console.core.report import Report, ReportStatus
from command_console.core.text import clean
from command_console.data import queries
from command_console.data.plan_titles import entries_in_language
from command_console.data.schema import CallRow, EntryRow, IncidentRow, ReportFieldRow, ShiftRow
from command_console.data.shift import Window
from command_console.data.store import Store
from command_console.i18n import _

entries_t, calls_t, shifts_t = EntryRow.__table__, CallRow.__table__, ShiftRow.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table models
fields_t, incidents_t = ReportFieldRow.__table__, IncidentRow.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table models


@dataclass(frozen=True)
class ShiftInfo:
    shift: Shift
    summary: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    console_id: str
    site_name: str
    site_location: str
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def label(self) -> str:
        return ", ".join(p for p in (self.site_name, self.site_location) if p)


@dataclass(frozen=True)
class ShiftRecord:
    site: Site
    window: Window
    generated_at: datetime
    shifts: tuple[ShiftInfo, ...]
    incidents: tuple[Incident, ...]
    reports: dict[str, Report]
    entries: tuple[TimelineEntry, ...]
    calls: tuple[Call, ...]
    duties: dict = field(default_factory=dict)  # incident id -> exports.duties.IncidentDuties
    routines: tuple = ()  # routines done in the window (queries_duties.RoutineDoneEntry)
    open_actions: tuple = ()  # corrective actions still open, of any incident (they carry across shifts)

    def is_drill(self, incident_id: str) -> bool:
        found = self.duties.get(incident_id)
        return bool(found and found.drill)

    @property
    def zone(self) -> ZoneInfo:
        return self.site.zone

    @property
    def reference(self) -> datetime:
        """The instant pending steps are judged against: the window end, or now if sooner."""
        return min(self.window.until, self.generated_at)

    def entries_of(self, incident_id: str) -> list[TimelineEntry]:
        return self._by_incident().get(incident_id, [])

    def _by_incident(self) -> dict[str, list[TimelineEntry]]:
        cached = self.__dict__.get("_grouped")
        if cached is None:
            cached = {}
            for entry in self.entries:
                cached.setdefault(entry.incident_id, []).append(entry)
            object.__setattr__(self, "_grouped", cached)
        return cached

    def callbacks(self) -> list[Callback]:
        return awaiting_callbacks(self.calls)

    def outcome(self, incident: Incident, step: PlanStepRun) -> StepOutcome:
        return step_outcome(step, self.reference, resolved=not incident.is_open)

    def incident(self, incident_id: str) -> Incident | None:
        return next((i for i in self.incidents if i.id == incident_id), None)


@dataclass(frozen=True)
class StepOutcome:
    label: str  # done, done late, skipped, pending, overdue
    late_s: int | None  # seconds past the deadline (done late or still overdue)

    @property
    def late(self) -> bool:
        return self.late_s is not None and self.late_s > 0


def step_outcome(step: PlanStepRun, reference: datetime, resolved: bool = False) -> StepOutcome:
    """done / done late / skipped / pending / overdue; 'not done' once the incident is resolved."""
    if step.state == StepState.SKIPPED:
        return StepOutcome("skipped", None)
    if step.state == StepState.DONE:
        if step.due_at is not None and step.state_at is not None and step.state_at > step.due_at:
            return StepOutcome("done late", int((step.state_at - step.due_at).total_seconds()))
        return StepOutcome("done", None)
    if resolved:
        return StepOutcome("not done", None)
    if step.due_at is not None and step.due_at <= reference:
        return StepOutcome("overdue", int((reference - step.due_at).total_seconds()))
    return StepOutcome("pending", None)


def duration_text(seconds: int | None) -> str:
    """A length of time for people: '45 s', '7 min', '1 h 20 min', '2 d 3 h'."""
    seconds = max(0, int(seconds or 0))
    if seconds < 60:
        return _("{s} s").format(s=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return _("{m} min").format(m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return (
            _("{h} h {m} min").format(h=hours, m=minutes) if minutes else _("{h} h").format(h=hours)
        )
    days, hours = divmod(hours, 24)
    return _("{d} d {h} h").format(d=days, h=hours) if hours else _("{d} d").format(d=days)


def safe(text: object, multiline: bool = False) -> str:
    """Anything from the database as it may appear in any export: a string (or a number, or
    an enum member) with control characters, escape sequences and bidi overrides removed."""
    if text is None or text == "":
        return ""
    if not isinstance(text, str):
        text = str(getattr(text, "value", text))
    if text.isprintable():  # no Cc/Cf (controls, bidi overrides), no line breaks: nothing to clean
        return text
    return clean(text, multiline=multiline)


def collect(
    store: Store, site: Site, window: Window, now: datetime, console: str | None = None
) -> ShiftRecord:
    """Everything in the window: shifts overlapping it, incidents alive in it or with
    entries in it, their steps and reports, and the entries and calls inside it; with
    `console`, only what that console wrote (its shifts, entries and calls, the incidents
    it opened or wrote on)."""
    since, until = window.since, window.until
    with store.read() as conn:
        entry_rows = conn.execute(
            select(entries_t)
            .where(entries_t.c.at >= since, entries_t.c.at <= until)
            .order_by(entries_t.c.hlc, entries_t.c.console_id, entries_t.c.id)
        ).all()
        call_rows = conn.execute(
            select(calls_t)
            .where(calls_t.c.at >= since, calls_t.c.at <= until)
            .order_by(calls_t.c.at, calls_t.c.id)
        ).all()
        shift_rows = conn.execute(
            select(shifts_t)
            .where(
                shifts_t.c.started_at <= until,
                or_(shifts_t.c.ended_at.is_(None), shifts_t.c.ended_at >= since),
            )
            .order_by(shifts_t.c.started_at, shifts_t.c.id)
        ).all()
        if console is not None:
            entry_rows = [r for r in entry_rows if r.console_id == console]
            written = {r.id for r in entry_rows}
            call_rows = [r for r in call_rows if r.id in written]
            shift_rows = [r for r in shift_rows if r.console_id == console]
        touched = {r.incident_id for r in entry_rows if r.incident_id}
        alive_query = select(incidents_t.c.id).where(
            incidents_t.c.started_at <= until,
            or_(incidents_t.c.resolved_at.is_(None), incidents_t.c.resolved_at >= since),
        )
        if console is not None:
            alive_query = alive_query.where(incidents_t.c.console_id == console)
        alive = conn.execute(alive_query).scalars()
        wanted = touched | set(alive)
        field_rows = conn.execute(select(fields_t).where(fields_t.c.incident_id.in_(wanted))).all()
        statuses: dict[str, str] = dict(
            conn.execute(
                select(incidents_t.c.id, incidents_t.c.report_status).where(
                    incidents_t.c.id.in_(wanted)
                )
            ).all()
        )
    incidents = tuple(
        i for i in queries.list_incidents(store, include_resolved=True) if i.id in wanted
    )
    incidents = tuple(sorted(incidents, key=lambda i: (i.started_at, i.id)))
    values: dict[str, dict[str, str]] = {}
    for row in field_rows:
        values.setdefault(row.incident_id, {})[row.field] = row.value
    reports = {
        i.id: Report(
            i.id, values.get(i.id, {}), read_enum(ReportStatus, statuses.get(i.id) or "draft")
        )
        for i in incidents
    }
    entries = tuple(
        TimelineEntry(
            r.id,
            r.incident_id,
            r.at,
            r.author,
            r.console_id,
            read_enum(EntryKind, r.kind),
            r.text,
        )
        for r in entry_rows
    )
    entries = tuple(
        entries_in_language(store, list(entries), zone=site.zone)
    )  # own words, local times
    from command_console.data.queries_edit import with_amendments

    entries = tuple(with_amendments(store, entries))  # each with its latest correction
    calls = tuple(
        Call(r.id, r.incident_id, r.contact_id, r.name, r.phone, r.role, r.outcome, r.at, r.author)
        for r in call_rows
    )
    shifts = tuple(
        ShiftInfo(
            Shift(r.id, r.lead, r.started_at, r.ended_at, r.handover_note, r.next_lead),
            _summary(r.summary),
        )
        for r in shift_rows
    )
    from command_console.data import queries_duties
    from command_console.data.exports.duties import collect_duties

    routines = tuple(
        r
        for r in queries_duties.routine_log(store, since, until)
        if console in (None, r.console_id)
    )
    return ShiftRecord(
        site,
        window,
        now,
        shifts,
        incidents,
        reports,
        entries,
        calls,
        collect_duties(store, [i.id for i in incidents]),
        routines,
        tuple(queries_duties.actions(store, open_only=True)),
    )


def _summary(stored: str | None) -> dict:
    """A recorded handover summary; anything that is not a JSON object (a damaged or
    foreign value) reads as empty rather than stopping the export."""
    try:
        value = json.loads(stored or "{}")
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def handover_counts(info: ShiftInfo) -> list[tuple[str, str]]:
    """The counts of a handover as (label, value) pairs, cleaned, in key order; the values
    are whatever was recorded (a peer's summary may hold anything)."""
    counts = info.summary.get("counts")
    if not isinstance(counts, dict):
        return []
    return [
        (count_label(key), safe(value))
        for key, value in sorted(counts.items(), key=lambda kv: str(kv[0]))
    ]


def site_of(config) -> Site:
    return Site(config.console_id, config.site_name, config.site_location, config.time_zone)
