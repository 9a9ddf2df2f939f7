"""Shifts: the handover from one lead to the next, and the time window of a shift.

A handover is two operations committed in one transaction: `shift.handover` signed by
the outgoing lead (it closes the shift and carries the summary and note), then
`shift.start` signed by the incoming lead, who acknowledged it by name. Both land in
the shift-level timeline through the fold.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from command_console.core import text as clean
from command_console.core.errors import UserError
from command_console.core.handover import HandoverSummary, build_summary, summary_to_dict
from command_console.core.incidents import Incident, Shift
from command_console.core.matching import resolve
from command_console.data import queries
from command_console.data.schema import ShiftRow
from command_console.data.store import Store
from command_console.i18n import N_, _

NOTE_LIMIT = 4000


@dataclass(frozen=True)
class Window:
    """A stretch of time to report on: one shift, or since/until typed by the lead."""

    since: datetime
    until: datetime
    shift_id: str | None = None

    def covers(self, instant: datetime | None) -> bool:
        return instant is not None and self.since <= instant <= self.until


def _incidents_of_shift(store: Store, since: datetime) -> list[Incident]:
    """Open incidents, and those resolved since the shift began (their reports may be open)."""
    return [
        i
        for i in queries.list_incidents(store, include_resolved=True)
        if i.is_open
        or (not i.is_cancelled and i.resolved_at is not None and i.resolved_at >= since)
    ]


def summary(store: Store, now: datetime | None = None, note: str = "") -> HandoverSummary:
    """The handover summary of the current shift, built from the store."""
    from dataclasses import replace

    from command_console.data.duties_summary import handover_duties, real_incidents

    now = now or store.clock.now()
    shift = queries.current_shift(store)
    since = shift.started_at if shift else now
    incidents, drills = real_incidents(store, _incidents_of_shift(store, since))
    ids = {i.id for i in incidents}
    reports = {i: queries.get_report(store, i) for i in ids}
    calls = [c for c in queries.list_calls(store) if c.incident_id in ids]
    built = build_summary(
        incidents, reports, calls, now, lead=shift.lead if shift else "", note=note
    )
    return replace(built, duties=handover_duties(store, now, since, drills))


def start_payload(store: Store, shift_id: str, lead: str) -> dict:
    """A shift.start payload; it carries the site of this console (config.toml's site_name
    and site_location, cleaned and cut to the schema's limit) when one is set."""
    payload: dict = {"id": shift_id, "lead": lead}
    name, location = (
        clean.clean(part).strip()[: clean.NAME_LIMIT] for part in store.site or ("", "")
    )
    if name or location:
        payload["site"] = {"name": name, "location": location}
    return payload


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def handover(
    store: Store, *, outgoing: str, incoming: str, note: str = "", now: datetime | None = None
) -> tuple[str, str]:
    """Close the current shift and start the next one. Returns (old shift id, new shift id).

    outgoing: the name the outgoing lead signs with; it must be the current shift's lead.
    incoming: the incoming lead acknowledging by name; the new shift is theirs.
    Raises UserError, writing nothing, when a name is empty or does not match.
    """
    shift = queries.current_shift(store)
    if shift is None:
        raise UserError(_("no shift is running; start one first"))
    signed = clean.clean_line(outgoing, field=N_("outgoing lead signature"), limit=clean.NAME_LIMIT)
    if not _same_name(signed, shift.lead):
        raise UserError(
            _("outgoing lead signature {signed!r} does not match the shift lead {lead!r}").format(
                signed=signed, lead=shift.lead
            )
        )
    incoming = clean.clean_line(incoming, field=N_("incoming lead name"), limit=clean.NAME_LIMIT)
    note = clean.clean_block(note, field=N_("handover note"), limit=NOTE_LIMIT)
    built = summary(store, now, note)
    new_id = f"{store.console_id}-{uuid.uuid4().hex[:6]}"
    store.append_many(
        [
            (
                "shift.handover",
                {
                    "id": shift.id,
                    "note": note,
                    "next_lead": incoming,
                    "summary": summary_to_dict(built),
                },
                shift.lead,
            ),
            ("shift.start", start_payload(store, new_id, incoming), incoming),
        ]
    )
    store.author = incoming
    return shift.id, new_id


def stored_summary(store: Store, shift_id: str) -> dict:
    """The summary recorded when a shift was handed over ({} while it runs)."""
    table = ShiftRow.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ on table models
    with store.read() as conn:
        value = conn.execute(select(table.c.summary).where(table.c.id == shift_id)).scalar()
    return json.loads(value or "{}")


def resolve_shift(store: Store, query: str) -> Shift:
    shifts = {s.id: s for s in queries.list_shifts(store)}
    return shifts[resolve(query.strip(), sorted(shifts), "shift")]


def shift_window(
    store: Store,
    now: datetime,
    *,
    shift_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Window:
    """The window to export: a named shift, since/until, or else the current (or last) shift."""
    if shift_id and (since or until):
        raise UserError(_("use either --shift or --since/--until, not both"))
    if shift_id:
        shift = resolve_shift(store, shift_id)
        return Window(shift.started_at, shift.ended_at or now, shift.id)
    if since or until:
        start = since or _first_instant(store, now)
        end = until or now
        if end <= start:
            raise UserError(
                _(
                    "--until ({end:%Y-%m-%d %H:%M}Z) must be after --since ({start:%Y-%m-%d %H:%M}Z)"
                ).format(end=end, start=start)
            )
        return Window(start, end)
    own = queries.list_shifts(store, own=True)
    latest = queries.current_shift(store) or (own[-1] if own else None)
    if latest is None:
        raise UserError(_("no shift recorded yet; give --since and --until"))
    return Window(latest.started_at, latest.ended_at or now, latest.id)


def window_from_text(store: Store, now: datetime, text: str, zone) -> Window:
    """The window as typed on the export screen: blank is the current (or last) shift,
    'previous' the last shift that ended, anything else a start time (14:05, 3h ago, ISO)."""
    from command_console.core.when import parse_when

    text = clean.clean(text).strip()
    if not text:
        return shift_window(store, now)
    if text.lower() in ("previous", "prev"):
        ended = [s for s in queries.list_shifts(store, own=True) if s.ended_at is not None]
        if not ended:
            raise UserError(
                _("window: no shift has ended yet; leave it blank for the current shift")
            )
        return shift_window(store, now, shift_id=ended[-1].id)
    return shift_window(store, now, since=parse_when(text, now, zone, field=N_("window")))


def _first_instant(store: Store, now: datetime) -> datetime:
    shifts = queries.list_shifts(store)
    return shifts[0].started_at if shifts else now


def join_shift(store: Store, console_id: str) -> str:
    """Make this console's lead the lead on shift at another console (a deputy working
    under the same lead): this console's shift is handed over to that lead. Only ever
    done when asked; a peer's shift never changes ours by itself. Returns the new shift id."""
    rows = store.rows(
        "SELECT id, lead FROM shifts WHERE console_id = ? AND ended_at IS NULL "
        "ORDER BY started_at DESC LIMIT 1",
        console_id,
    )
    if not rows or console_id == store.console_id:
        known = [
            r[0]
            for r in store.rows(
                "SELECT DISTINCT console_id FROM shifts WHERE ended_at IS NULL "
                "AND console_id != ? ORDER BY console_id",
                store.console_id,
            )
        ]
        raise UserError(
            _(
                "console {console!r} has no shift running here (sync first?); consoles with one: {known}"
            ).format(console=clean.clean(console_id), known=", ".join(known) or _("none"))
        )
    lead = clean.clean(rows[0][1])
    own = queries.current_shift(store)
    new_id = f"{store.console_id}-{uuid.uuid4().hex[:6]}"
    changes = []
    if own is not None:
        note = _("joined the shift of console {console}").format(console=console_id)
        changes.append(
            (
                "shift.handover",
                {"id": own.id, "note": note, "next_lead": lead, "summary": {}},
                own.lead,
            )
        )
    changes.append(("shift.start", start_payload(store, new_id, lead), lead))
    store.append_many(changes)
    store.author = lead
    return new_id
