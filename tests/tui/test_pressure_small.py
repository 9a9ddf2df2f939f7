"""Issue 14, item 9 (the smaller ones) and the plan picker of item 8, driven with real keys."""

from __future__ import annotations

from datetime import timedelta

from command_console.data import queries
from tests.tui.conftest import screen_text, settle
from tests.tui.test_typeahead import burst


async def test_quick_log_says_it_was_stored_on_the_main_screen(app, demo):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        incident = app.screen.incident.id
        burst(app, "lqueue at 90", "enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        assert f"Logged on {incident}: queue at 90" in screen_text(app)


async def test_surge_enter_opens_the_inbound_call_surge_and_both_surges_lead(app, demo):
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"surge")
        await settle(pilot)
        shown = [plan.title for plan in app.screen.shown[:2]]
        assert shown[0] == "Inbound call surge" and "surge" in shown[1].lower()
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        newest = max(queries.list_incidents(demo.store), key=lambda i: i.opened_at)
        assert newest.plan_title == "Inbound call surge"


async def test_a_time_more_than_12_hours_ago_is_confirmed_not_assumed(app, demo, clock):
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        before = len(queries.list_incidents(demo.store))
        local_now = clock.now().astimezone(app.config.zone)
        typed = (local_now + timedelta(minutes=34)).strftime("%H:%M")  # "23:50" at 23:16: yesterday
        await pilot.press("n", *"power")
        app.screen.query_one("#started").value = typed
        app.screen.set_focus(app.screen.query_one("#started"))
        await pilot.press("enter")
        await settle(pilot)
        assert len(queries.list_incidents(demo.store)) == before
        assert "Enter again to confirm" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert len(queries.list_incidents(demo.store)) == before + 1


async def test_resolving_says_how_many_steps_are_still_open(app, demo):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        open_steps = sum(1 for s in app.screen.incident.steps if s.is_open)
        await pilot.press("x")
        await settle(pilot)
        assert f"{open_steps} steps are still open" in screen_text(app)


async def test_timeline_shows_seconds(app, demo):
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "14:00:00" in screen_text(app) or ":00 " in screen_text(app)


async def test_after_a_handover_export_defaults_to_the_shift_handed_over(app, demo):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        app.screen.set_focus(app.screen.query_one("#handover-outgoing"))
        await pilot.press("enter", *"Zhang Wei", "enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#export-window").value == "previous"
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        folder = demo.paths.root / "reports"
        assert sorted(p.suffix for p in folder.iterdir()) == [".csv", ".html", ".json", ".md"]
        assert "Exported 4 files (md, html, csv, json) to" in screen_text(app)
