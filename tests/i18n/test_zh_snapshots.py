"""The console in Chinese at 80x24 and 120x40: main screen, report form, handover, help and
a ringing alarm, on incidents with mixed Chinese and Latin titles. LOOK at each SVG after
`pytest tests/i18n/test_zh_snapshots.py --snapshot-update`: the incident title, the next
deadline and whom to call must be readable, columns aligned (widths in terminal cells)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from itertools import count

import pytest

from command_console.app import CommandConsoleApp
from command_console.core.clock import FakeClock
from command_console.core.incidents import Severity, StepState
from command_console.data import actions
from command_console.demo.scenario import add_sample_incidents
from command_console.i18n import set_language
from tests.tui.conftest import START, make_workspace, settle

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def zh_demo(tmp_path, clock, monkeypatch):
    """The demo incidents in Chinese plus two with mixed titles; fixed clock, console and shift ids."""
    counter = count(1)
    monkeypatch.setattr(
        uuid, "uuid4", lambda: uuid.UUID(bytes=hashlib.sha256(b"%d" % next(counter)).digest()[:16])
    )
    set_language("zh-CN")
    workspace = make_workspace(tmp_path / "data", clock)
    add_sample_incidents(workspace)
    store, now = workspace.store, workspace.clock.now()
    outage = actions.open_incident(
        store,
        workspace.plan("power-outage"),
        started_at=now - timedelta(minutes=3),
        title="三楼停电，UPS 供电中 (Floor 3)",
    )
    actions.log(store, outage, "运维已到场，UPS 剩余 80%")
    actions.open_incident(
        store,
        workspace.plan("system-failure"),
        severity=Severity.CRITICAL,
        started_at=now - timedelta(minutes=12),
        title="CRM 系统无法加载客户资料",
    )
    actions.set_step(store, outage, actions.resolve_step(store, outage, "1"), StepState.DONE)
    yield workspace
    workspace.close()
    set_language("en")


def no_blink(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def before(*keys: str, keep_alarms: bool = False):
    async def run(pilot) -> None:
        await settle(pilot)
        for key in keys:
            no_blink(pilot.app)
            await pilot.press(key)
            await settle(pilot)
        no_blink(pilot.app)
        if not keep_alarms:
            pilot.app.clear_notifications()
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_main(snap_compare, zh_demo, size):
    assert snap_compare(CommandConsoleApp(zh_demo), terminal_size=SIZES[size], run_before=before())


@pytest.mark.parametrize("size", SIZES)
def test_report_form(snap_compare, zh_demo, size):
    assert snap_compare(
        CommandConsoleApp(zh_demo), terminal_size=SIZES[size], run_before=before("r", "ctrl+o")
    )


@pytest.mark.parametrize("size", SIZES)
def test_handover(snap_compare, zh_demo, size):
    assert snap_compare(
        CommandConsoleApp(zh_demo), terminal_size=SIZES[size], run_before=before("h")
    )


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, zh_demo, size):
    assert snap_compare(
        CommandConsoleApp(zh_demo), terminal_size=SIZES[size], run_before=before("question_mark")
    )


@pytest.mark.parametrize("size", SIZES)
def test_alarms(snap_compare, zh_demo, size, clock):
    async def ring(pilot) -> None:
        await settle(pilot)
        clock.advance(6 * 60)  # the outage's 5-minute step is now overdue
        pilot.app.screen.tick()
        await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    assert snap_compare(CommandConsoleApp(zh_demo), terminal_size=SIZES[size], run_before=ring)
