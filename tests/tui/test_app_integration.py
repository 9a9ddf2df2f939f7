"""The app-wide keys: handover (h), export (e), and the sync segment of the status line."""

from __future__ import annotations

from command_console.app import CommandConsoleApp
from command_console.core.clock import SystemClock
from command_console.data import queries
from command_console.paths import resolve_paths
from command_console.screens.export import ExportScreen
from command_console.screens.handover import HandoverScreen
from command_console.workspace import Workspace
from tests.tui.conftest import screen_text, settle


async def test_h_opens_handover_and_e_opens_export(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert "3-tst" in screen_text(app)  # the open incidents are listed
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)


async def test_console_publishes_and_picks_up_through_the_share(tmp_path):
    clock = SystemClock()  # the share's file times are real: a fake clock would read as skew
    share = tmp_path / "share"
    share.mkdir()
    consoles = []
    for console_id in ("onc", "twc"):
        workspace = Workspace(resolve_paths(tmp_path / console_id), clock)
        workspace.initialise(
            console_id=console_id, lead_name=f"Lead {console_id}", sync_dir=str(share)
        )
        consoles.append(workspace)
    other = consoles[1]
    from command_console.data import actions
    from command_console.data.sync import Syncer

    incident = actions.open_incident(
        other.store, other.plan("power-outage"), title="From the other console"
    )
    Syncer(other).sync_once(wait=True)
    app = CommandConsoleApp(consoles[0])
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(40):
            await pilot.pause(0.1)
            if "From the other console" in screen_text(app) and "unpublished" in app.sync_status:
                break
        await settle(pilot)
        assert incident in consoles[0].store.incident_ids()
        assert "From the other console" in screen_text(app)
        assert app.sync_status.startswith("sync ") and "0 unpublished" in app.sync_status
        assert "skew" not in app.sync_status
        assert app.sync_status in screen_text(app)
    Syncer(other).sync_once(wait=True)
    mine = [i for i in queries.list_incidents(other.store) if i.console_id == "onc"]
    assert mine == []  # console one opened nothing; its shift start still arrived:
    assert [s.lead for s in queries.list_shifts(other.store) if s.id.startswith("onc")] == [
        "Lead onc"
    ]
