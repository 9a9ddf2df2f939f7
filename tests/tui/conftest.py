"""Fixtures return unstarted apps on a real data dir in tmp_path, with a fake clock."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

from command_console.app import CommandConsoleApp
from command_console.core.clock import FakeClock
from command_console.demo.scenario import add_sample_incidents
from command_console.i18n import set_language
from command_console.paths import resolve_paths
from command_console.workspace import Workspace


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


START = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


def make_workspace(folder, clock) -> Workspace:
    workspace = Workspace(resolve_paths(folder), clock)
    if not workspace.paths.config.exists():
        workspace.initialise(
            console_id="tst",
            lead_name="Lead Li 李",
            site_name="Hotline Centre",
            site_location="3F Building A",
            time_zone="Asia/Shanghai",
        )
    return workspace


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture(scope="session")
def built_data_dirs(tmp_path_factory) -> dict[str, Path]:
    """The data dirs `workspace` and `demo` start from, built once per test process (in
    English, at START) and closed: "plain" as make_workspace leaves it, "demo" with
    add_sample_incidents run on it too. Building one costs a few dozen durable commits."""
    root = tmp_path_factory.mktemp("built")
    set_language("en")
    plain = make_workspace(root / "plain", FakeClock(START))
    plain.close()
    demo = make_workspace(root / "demo", FakeClock(START))
    add_sample_incidents(demo)
    demo.close()
    return {"plain": root / "plain", "demo": root / "demo"}


@pytest.fixture
def workspace(request, tmp_path, clock, built_data_dirs) -> Workspace:
    """A real data dir of its own in tmp_path: a copy of the one built for the session (the
    one with the sample incidents when the test uses `demo`), opened on this test's clock as
    the console reopens a data dir."""
    built = built_data_dirs["demo" if "demo" in request.fixturenames else "plain"]
    shutil.copytree(built, tmp_path / "data")
    workspace = make_workspace(tmp_path / "data", clock)
    yield workspace
    workspace.close()


@pytest.fixture
def demo(workspace) -> Workspace:
    """The workspace with the four sample incidents (add_sample_incidents at START)."""
    return workspace


@pytest.fixture
def app(demo) -> CommandConsoleApp:
    return CommandConsoleApp(demo)


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (no sleeping)."""
    for _ in range(rounds):
        await pilot.pause()
        # an exclusive worker replaced by a newer one (a busy machine) is awaited next round
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app) -> str:
    """Everything on screen (the top screen and modals over it) as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
