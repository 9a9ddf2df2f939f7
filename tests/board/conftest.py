"""Three consoles at two sites and one without a site, each a real data dir with its own
signing key: their operations reach the viewing console (alpha) through a real shared
folder (`synced`, real clock) or by merging their signed operations (`merged`, a fake
clock, for pilot tests and snapshots)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

from command_console.core.clock import Clock, FakeClock, SystemClock
from command_console.core.incidents import Severity, StepState
from command_console.data import actions
from command_console.paths import resolve_paths
from command_console.workspace import Workspace

START = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
HOSTILE_SITE = "North [bold]Hall[/] \x1b[31mred"
SITES = {
    "alpha": ("热线中心 Hotline Centre", "3F Building A"),
    "bravo": ("North Hall", "Pudong"),
    "charlie": ("", ""),  # no site set: its shift.start carries none, as old ops did
}
LEADS = {"alpha": "Lead Li 李", "bravo": "Wang Fang 王芳", "charlie": "Zhao"}


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` pilot tests on a fresh event loop (no async plugin is installed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(pyfuncitem.obj(**kwargs))
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    return True


def make_console(root: Path, name: str, clock: Clock, sync_dir: Path | None = None) -> Workspace:
    workspace = Workspace(resolve_paths(root / name), clock)
    site_name, site_location = SITES[name]
    workspace.initialise(
        console_id=name,
        lead_name=LEADS[name],
        site_name=site_name,
        site_location=site_location,
        time_zone="Asia/Shanghai",
        sync_dir=str(sync_dir) if sync_dir else None,
        language="en",
    )
    return workspace


def populate(consoles: dict[str, Workspace]) -> dict[str, str]:
    """Open incidents: alpha a critical one two hours old (steps and upward reports late)
    and a fresh general one; bravo a serious one 40 minutes old with its first step done,
    and a drill; charlie nothing. Returns name -> incident id."""
    alpha, bravo = consoles["alpha"], consoles["bravo"]
    now = alpha.clock.now()
    ids = {
        "cut": actions.open_incident(
            alpha.store,
            alpha.plan("power-outage"),
            severity=Severity.CRITICAL,
            title="变电站停电 Substation power cut",
            started_at=now - timedelta(hours=2),
        ),
        "fresh": actions.open_incident(
            alpha.store, alpha.plan("system-failure"), title="CRM slow", started_at=now
        ),
        "surge": actions.open_incident(
            bravo.store,
            bravo.plan("inbound-call-surge"),
            severity=Severity.SERIOUS,
            title="Call surge [red]after[/] outage",
            started_at=now - timedelta(minutes=40),
        ),
        "drill": actions.open_incident(
            bravo.store, bravo.plan("fire-alarm"), title="Fire drill", drill=True, started_at=now
        ),
    }
    # bravo's next shift comes from a console that does not clean what it sends (older, or
    # modified): the schema lets the text through (it is within limits), the board cleans it.
    from command_console.data import queries

    first = queries.current_shift(bravo.store)
    assert first is not None
    bravo.store.append_many(
        [
            (
                "shift.handover",
                {"id": first.id, "note": "", "next_lead": LEADS["bravo"], "summary": {}},
            ),
            (
                "shift.start",
                {
                    "id": "bravo-2nd",
                    "lead": LEADS["bravo"],
                    "site": {"name": HOSTILE_SITE, "location": "Pudong"},
                },
            ),
        ]
    )
    surge = ids["surge"]
    actions.set_step(
        bravo.store, surge, actions.resolve_step(bravo.store, surge, "1"), StepState.DONE
    )
    return ids


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def merged(tmp_path, clock):
    """alpha holding every console's signed operations (merged, as sync would after its checks)."""
    consoles = {name: make_console(tmp_path, name, clock) for name in SITES}
    ids = populate(consoles)
    viewer = consoles["alpha"]
    for name in ("bravo", "charlie"):
        viewer.store.merge(consoles[name].store.all_ops())
    yield viewer, ids
    for workspace in consoles.values():
        workspace.close()


@pytest.fixture
def synced(tmp_path):
    """The three consoles synced through a real shared folder (real clock: segment files
    carry real mtimes). Returns (consoles, ids)."""
    from command_console.data.sync import Syncer

    share = tmp_path / "share"
    share.mkdir()
    clock = SystemClock()
    consoles = {name: make_console(tmp_path, name, clock, share) for name in SITES}
    ids = populate(consoles)
    syncers = [Syncer(w, share) for w in consoles.values()]
    for _round in range(2):
        for syncer in syncers:
            result = syncer.sync_once(wait=True)
            assert result.share_ok, result.share_state
    yield consoles, ids
    for workspace in consoles.values():
        workspace.close()


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (no sleeping)."""
    for _ in range(rounds):
        await pilot.pause()
        # an exclusive worker replaced by a newer one (a busy machine) is awaited next round
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
    await pilot.pause()
