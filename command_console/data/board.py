"""The board: open incidents by site and severity, late steps and upward reports, and who
is on shift where, across every console whose operations this database holds (sync
brings them here, whatever the transport). Read-only: nothing here writes.

A console's site travels on its `shift.start` operations (config.toml's site_name and
site_location); a console that never sent one is shown under its console id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from command_console.core.duties import UpwardDue, upward_ringing
from command_console.core.incidents import Incident, Severity
from command_console.core.op_schema import REISSUE
from command_console.core.text import shown
from command_console.core.timers import StepTimer, format_age, step_timer
from command_console.data import queries
from command_console.data.queries import json_object
from command_console.data.queries_duties import open_upward_dues
from command_console.data.store import Store
from command_console.data.timestamps import from_iso

# The site of each shift, from the op that started it (indexed by entity): a re-issued
# start (a copied data dir given a new id) carries the original inside.
SHIFT_STARTS = (
    "SELECT s.console_id, o.kind, o.payload FROM shifts s JOIN ops o "
    "ON o.entity = 'shift:' || s.id AND o.kind IN ('shift.start', ?) "
    "ORDER BY o.hlc, o.console_id, o.seq"
)
ON_SHIFT = (
    "SELECT console_id, lead, max(started_at) AS started_at FROM shifts "
    "WHERE ended_at IS NULL GROUP BY console_id ORDER BY console_id"
)


@dataclass(frozen=True)
class OnShift:
    console_id: str
    site: str
    lead: str
    started_at: datetime | None


@dataclass(frozen=True)
class BoardIncident:
    incident: Incident
    site: str
    late_steps: tuple[StepTimer, ...]  # most late first
    late_reports: tuple[UpwardDue, ...]  # most late first
    late_s: int = 0  # seconds the most late of them is past due


@dataclass(frozen=True)
class SiteSummary:
    site: str
    on_shift: tuple[OnShift, ...]
    open_by_severity: tuple[tuple[Severity, int], ...]  # most severe first, zero counts left out
    late_steps: int
    late_reports: int
    drills: int


@dataclass(frozen=True)
class Board:
    at: datetime
    sites: tuple[SiteSummary, ...]
    incidents: tuple[BoardIncident, ...]  # by site, then most severe, then oldest

    @property
    def consoles(self) -> int:
        return sum(len(s.on_shift) for s in self.sites)


def late_label(seconds: int) -> str:
    """'+26m', '+1h56m', '+2d3h': a board is read at a glance, to the minute."""
    since = datetime(2000, 1, 1, tzinfo=UTC)  # any instant: only the span counts
    return "+" + format_age(since, since + timedelta(seconds=seconds)) if seconds > 0 else ""


def site_label(name: str, location: str) -> str:
    """A peer's site as shown: cleaned, 'name, location'."""
    return ", ".join(part for part in (shown(name).strip(), shown(location).strip()) if part)


def console_sites(store: Store) -> dict[str, str]:
    """Console id -> the site its latest shift start carried (consoles without one left out)."""
    sites: dict[str, str] = {}
    for console_id, kind, stored in store.rows(SHIFT_STARTS, REISSUE):
        payload = json_object(stored)
        site = (_carried(payload) if kind == REISSUE else payload).get("site")
        if isinstance(site, dict):
            label = site_label(str(site.get("name", "")), str(site.get("location", "")))
            if label:
                sites[console_id] = label
    return sites


def _carried(reissue: dict[str, Any]) -> dict[str, Any]:
    """The payload of the original a re-issue carries ({} when it is not readable)."""
    original = reissue.get("original")
    payload = original.get("payload") if isinstance(original, dict) else None
    return payload if isinstance(payload, dict) else {}


def on_shift(store: Store, sites: dict[str, str]) -> list[OnShift]:
    """The lead on shift at each console that has a shift running."""
    return [
        OnShift(
            shown(r.console_id),
            sites.get(r.console_id) or shown(r.console_id),
            shown(r.lead),
            from_iso(r.started_at),
        )
        for r in store.rows(ON_SHIFT)
    ]


@dataclass(frozen=True)
class _Reads:
    """What the board reads from the database; read again only when an op was added."""

    head: int
    sites: dict[str, str]
    shifts: list[OnShift]
    incidents: list[Incident]
    dues: list[UpwardDue]


_last_reads: dict[Path, _Reads] = {}  # database -> its last reads (the board reads every second)


def _reads(store: Store) -> _Reads:
    head = store.head()
    last = _last_reads.get(store.path)
    if last is not None and last.head == head:
        return last
    sites = console_sites(store)
    reads = _Reads(
        head,
        sites,
        on_shift(store, sites),
        [i for i in queries.list_incidents(store) if i.is_open],
        open_upward_dues(store),
    )
    _last_reads[store.path] = reads
    return reads


def read_board(store: Store, now: datetime) -> Board:
    """The board at `now`: the database is read when it changed; what is late is worked
    out from the due times each time."""
    reads = _reads(store)
    dues: dict[str, list[UpwardDue]] = {}
    for due in upward_ringing(reads.dues, now):
        dues.setdefault(due.incident_id, []).append(due)
    incidents = [
        _board_incident(
            i, reads.sites.get(i.console_id) or shown(i.console_id), dues.get(i.id, []), now
        )
        for i in reads.incidents
    ]
    return build(now, reads.shifts, incidents)


def _board_incident(
    incident: Incident, site: str, dues: list[UpwardDue], now: datetime
) -> BoardIncident:
    timers = [step_timer(s, now) for s in incident.steps]
    late = sorted((t for t in timers if t.overdue), key=lambda t: t.seconds_left or 0)
    lateness = [-(t.seconds_left or 0) for t in late] + [d.late_by(now) or 0 for d in dues]
    return BoardIncident(incident, site, tuple(late), tuple(dues), max([0, *lateness]))


def build(now: datetime, shifts: Iterable[OnShift], incidents: Iterable[BoardIncident]) -> Board:
    """Group by site: every site with a lead on shift or an open incident."""
    by_site: dict[str, list[BoardIncident]] = {}
    leads: dict[str, list[OnShift]] = {}
    for shift in shifts:
        leads.setdefault(shift.site, []).append(shift)
        by_site.setdefault(shift.site, [])
    for item in incidents:
        by_site.setdefault(item.site, []).append(item)
    ordered: list[BoardIncident] = []
    summaries = []
    for site in sorted(by_site, key=str.casefold):
        items = sorted(
            by_site[site],
            key=lambda b: (-b.incident.severity.rank, b.incident.started_at, b.incident.id),
        )
        ordered.extend(items)
        summaries.append(_summary(site, tuple(leads.get(site, ())), items))
    return Board(now, tuple(summaries), tuple(ordered))


def _summary(site: str, leads: tuple[OnShift, ...], items: list[BoardIncident]) -> SiteSummary:
    real = [b for b in items if not b.incident.drill]
    counts: dict[Severity, int] = {}
    for item in real:
        counts[item.incident.severity] = counts.get(item.incident.severity, 0) + 1
    return SiteSummary(
        site,
        leads,
        tuple(sorted(counts.items(), key=lambda kv: -kv[0].rank)),
        sum(len(b.late_steps) for b in real),
        sum(len(b.late_reports) for b in real),
        len(items) - len(real),
    )
