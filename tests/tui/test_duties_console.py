"""Duties in the console (issue #15): a late upward report and a late routine ring like a
step (the duty strip and the bell); one key on the duties screen (d) does each."""

from __future__ import annotations

from command_console.core.incidents import Severity
from command_console.data import actions, queries_duties
from tests.tui.conftest import settle
from tests.tui.test_alarms import BellCounter


def duty_lines(app) -> list[str]:
    strip = app.screen.query_one("#duty-strip")
    return [line for line in strip._last.splitlines() if line] if strip.display else []


async def test_late_upward_report_rings_and_one_key_records_it(workspace, clock):
    from command_console.app import CommandConsoleApp

    incident = actions.open_incident(
        workspace.store, workspace.plan("power-outage"), severity=Severity.CRITICAL
    )
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        bell = BellCounter(app)
        await settle(pilot)
        main = app.screen
        clock.advance(14 * 60 + 59)
        main.tick()
        await settle(pilot)
        rung = bell.count  # the plan's own 5-minute step rang by now; the upward reports not yet
        assert not [line for line in duty_lines(app) if "report to" in line]
        clock.advance(1)
        main.tick()
        await settle(pilot)
        assert bell.count == rung + 1
        late = [line for line in duty_lines(app) if "report to" in line]
        assert late and incident in late[0]
        strip = app.screen.query_one("#duty-strip")
        late_before = (
            strip.count
        )  # the emergency leading group and the superior department, both due at 15 min
        assert late_before == 2
        await pilot.press("d")
        await settle(pilot)
        listing = app.screen.query_one("#duties")
        row = next(
            n
            for n, option in enumerate(listing.options)
            if option.id == f"upward:{incident}:higher-authority"
        )
        listing.highlighted = row
        await pilot.press("p")
        await settle(pilot)
        told = list(queries_duties.upward_reports(workspace.store, incident))
        assert [(r.role, r.via, r.version) for r in told] == [("higher-authority", "phone", 1)]
        await pilot.press("escape")
        await settle(pilot)
        main.tick()
        await settle(pilot)
        assert strip.count == late_before - 1  # recorded: that one stops
        assert [
            line for line in duty_lines(app) if "emergency leading group" in line
        ]  # still owed: still rings


async def test_30_minute_patrol_rings_on_time_and_enter_logs_it(workspace, clock):
    from command_console.app import CommandConsoleApp

    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        bell = BellCounter(app)
        await settle(pilot)
        main = app.screen
        clock.advance(29 * 60 + 59)
        main.tick()
        await settle(pilot)
        assert bell.count == 0 and duty_lines(app) == []
        clock.advance(1)
        main.tick()
        await settle(pilot)
        assert bell.count == 1 and "Patrol the floor" in duty_lines(app)[0]
        await pilot.press("d")
        await settle(pilot)
        listing = app.screen.query_one("#duties")
        listing.highlighted = next(
            n for n, o in enumerate(listing.options) if o.id == "routine:floor-patrol"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert [r.routine for r in queries_duties.routine_log(workspace.store)] == ["floor-patrol"]
        await pilot.press("escape")
        await settle(pilot)
        main.tick()
        await settle(pilot)
        assert duty_lines(app) == []


async def test_new_incident_dialog_opens_a_drill_marked_in_the_list(workspace, clock):
    from command_console.app import CommandConsoleApp

    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"fire")
        await pilot.click("#drill")
        await pilot.click("#plan-filter")
        await pilot.press("enter")
        await settle(pilot)
        [incident] = actions_list(workspace)
        assert incident.drill and queries_duties.flags_of(workspace.store, incident.id).drill
        assert f"[DRILL] {incident.title}"[:20] in screen_text_of(app)


def actions_list(workspace):
    from command_console.data import queries

    return queries.list_incidents(workspace.store)


def screen_text_of(app) -> str:
    from tests.tui.conftest import screen_text

    return screen_text(app)
