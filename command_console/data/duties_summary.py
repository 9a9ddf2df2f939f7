"""The duties as the handover needs them, read from the store (see core/handover_duties.py)."""

from __future__ import annotations

from datetime import datetime

from command_console.core.duties import routine_states
from command_console.core.errors import UserError
from command_console.core.handover_duties import HandoverDuties
from command_console.data import queries_duties
from command_console.data.store import Store


def real_incidents(store: Store, incidents) -> tuple[list, list]:
    """(real incidents, open drills): drills are listed apart and never counted as incidents."""
    marked = queries_duties.flags(store)
    drills = [i for i in incidents if i.id in marked and marked[i.id].drill]
    return [i for i in incidents if i not in drills], [i for i in drills if i.is_open]


def routines_now(store: Store, now: datetime, since: datetime):
    """This console's routine states; a broken duties.toml shows the seeds' routines."""
    from command_console.config import load as load_config
    from command_console.core.duties import DEFAULT_ROUTINES
    from command_console.data.duties_config import load
    from command_console.paths import Paths

    root = store.path.parent
    try:
        routines = load(root)[1]
    except UserError:
        routines = DEFAULT_ROUTINES
    try:
        zone = load_config(Paths(root)).zone
    except (UserError, OSError, ValueError):  # a config this read cannot use: UTC (named elsewhere)
        from zoneinfo import ZoneInfo

        zone = ZoneInfo("UTC")
    done = queries_duties.routine_done_times(store, store.console_id)
    return routine_states(routines, done, since, now, zone)


def handover_duties(store: Store, now: datetime, since: datetime, drills) -> HandoverDuties:
    return HandoverDuties(
        now,
        tuple(queries_duties.actions(store, open_only=True)),
        tuple(queries_duties.open_upward_dues(store)),
        tuple(routines_now(store, now, since)),
        tuple(drills),
    )
