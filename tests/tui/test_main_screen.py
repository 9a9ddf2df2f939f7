"""The main screen: what the lead sees, the status line, live store refresh."""

from __future__ import annotations

from command_console.core.incidents import Severity
from command_console.data import actions, queries
from tests.tui.conftest import make_workspace, screen_text, settle


async def test_main_screen_shows_open_incidents_and_status(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for incident in queries.list_incidents(demo.store):
            assert incident.id in text
        assert "Smoke alarm" not in text  # resolved ones hidden
        assert "MAJOR" in text and "SERIOUS" in text
        assert "Hotline Centre, 3F Building A" in text
        assert "Lead Li 李" in text
        assert "14:00:00 CST" in text  # local clock in the site's zone
        assert "sync: off" in text
        assert "119" in text and "110" in text and "120" in text
        app.sync_status = "sync: 2 peers, 3 s ago"
        await settle(pilot)
        assert "sync: 2 peers, 3 s ago" in screen_text(app)


async def test_show_resolved_toggle(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert "Smoke alarm" in screen_text(app)


async def test_fits_80x24_with_every_pane(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for needle in ("Incidents", "Steps", "Roster", "119", "sync: off", "Call surge"):
            assert needle in text


async def test_changes_from_another_process_appear(app, tmp_path, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        other = make_workspace(
            tmp_path / "data", clock
        )  # a second Store on the same file: like the CLI
        actions.open_incident(
            other.store, other.plan("media-enquiry"), title="Reporter at the door"
        )
        other.close()
        app.poll_store()
        await settle(pilot)
        assert "Reporter at the door" in screen_text(app)


async def test_user_text_is_shown_literally(workspace):
    from command_console.app import CommandConsoleApp

    nasty = "[bold]x[/] [@click=app.quit]q[/] \x1b[31mred\x1b[0m 断电[/"
    actions.open_incident(
        workspace.store, workspace.plan("power-outage"), title=nasty, severity=Severity.GENERAL
    )
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[bold]x[/] [@click=app.quit]q[/] red 断电[/" in text
        assert "\x1b" not in text
        await pilot.click("#incidents", offset=(60, 2))
        await settle(pilot)
        assert app.is_running


async def test_timer_tick_touches_only_changed_cells(app, clock):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        main = app.screen
        assert main.incidents.tick(clock.now()) == 0  # nothing moved
        clock.advance(1)
        changed = main.incidents.tick(clock.now())
        assert 1 <= changed <= 3  # one next-deadline cell per open incident at most


async def test_roster_shows_every_number_in_full_even_in_a_narrow_pane(app, demo):
    """Each of a contact's numbers is its own row (to copy or log a call to); the phone
    column never gives way to name or role."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        first = app.screen.roster.table.selected
        text = screen_text(app)
        for phone in first.contact.phones:
            assert phone in text, phone
        await pilot.press("c", "enter", "down")  # to the list, then the contact's second number
        row = app.screen.roster.table.selected
        assert row.contact.id == first.contact.id and row.phone == first.contact.phones[1]
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == first.contact.phones[1]


async def test_enter_in_the_roster_stays_on_the_main_screen(app):
    """Enter opens the detail from the incidents or steps, never from the roster list."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("c", "enter", "down")  # filter box, then the list
        assert app.focused is app.screen.roster.table
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        await pilot.press("shift+tab", "shift+tab", "enter")  # back to the steps: the detail opens
        await settle(pilot)
        assert type(app.screen).__name__ == "DetailScreen"
