"""Issue #15 in the console: archived incidents leave the working lists (o reaches the
archive), drills are counted apart from real incidents, corrective actions close from the
duties screen (c, a note; who and when recorded)."""

from __future__ import annotations

from datetime import timedelta

from command_console.core.incidents import Status
from command_console.data import actions, actions_duties, queries_duties
from tests.tui.conftest import screen_text, settle

REPORT = {
    "site": "Hall A",
    "occurred_at": "2026-11-22 13:00",
    "type": "power outage",
    "impact": "no calls lost, hall dark 10 min",
    "measures": "UPS carried the seats",
    "trend": "restored, no further risk",
    "other": "none",
}
REVIEW = {"cause": "grid", "went_well": "UPS", "went_badly": "slow call", "submitted_to": "经理"}


def archived_incident(workspace) -> str:
    store = workspace.store
    incident = actions.open_incident(store, workspace.plan("power-outage"), title="Old outage")
    actions.set_status(store, incident, Status.RESOLVED)
    for field, value in REPORT.items():
        actions.set_report_field(store, incident, field, value)
    actions.complete_report(store, incident)
    for field, value in REVIEW.items():
        actions_duties.set_review_field(store, incident, field, value)
    actions_duties.archive(store, incident)
    return incident


def incidents_title(app) -> str:
    return str(app.screen.query_one("#incidents").border_title)


async def test_archived_incident_leaves_the_resolved_list_and_shows_in_the_archive(workspace):
    from command_console.app import CommandConsoleApp

    archived_incident(workspace)
    store = workspace.store
    resolved = actions.open_incident(store, workspace.plan("fire-alarm"), title="Burnt toast")
    actions.set_status(store, resolved, Status.RESOLVED)
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "Old outage" not in screen_text(app) and "Burnt toast" not in screen_text(app)
        await pilot.press("o")  # with the resolved ones: the archived one stays out
        await settle(pilot)
        assert "Burnt toast" in screen_text(app) and "Old outage" not in screen_text(app)
        await pilot.press("o")  # the archive
        await settle(pilot)
        text = screen_text(app)
        assert "Old outage" in text and "Burnt toast" not in text
        assert incidents_title(app) == "Archive (1 archived incidents)"
        await pilot.press("o")  # back to the open ones
        await settle(pilot)
        assert "Old outage" not in screen_text(app) and incidents_title(app) == "Incidents (0 open)"


async def test_drills_are_counted_apart_from_real_incidents(workspace):
    from command_console.app import CommandConsoleApp

    store = workspace.store
    actions.open_incident(store, workspace.plan("power-outage"), title="Real outage")
    actions.open_incident(store, workspace.plan("fire-alarm"), title="Fire drill", drill=True)
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert incidents_title(app) == "Incidents (1 open) + 1 drill"


async def test_a_corrective_action_is_closed_from_the_duties_screen(workspace, clock):
    from command_console.app import CommandConsoleApp

    store = workspace.store
    incident = actions.open_incident(store, workspace.plan("power-outage"), title="Outage")
    actions.set_status(store, incident, Status.RESOLVED)
    action = actions_duties.add_action(
        store, incident, "Test the UPS monthly", "Wang", clock.now() + timedelta(days=7)
    )
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        listing = app.screen.query_one("#duties")
        listing.highlighted = next(
            n for n, o in enumerate(listing.options) if o.id == f"action:{action}"
        )
        clock.advance(60)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")  # an empty note is refused in the dialog
        await settle(pilot)
        assert "needs a note" in screen_text(app)
        assert queries_duties.actions(store)[0].is_open
        await pilot.press(*"UPS tested")
        await pilot.press("enter")
        await settle(pilot)
        [closed] = queries_duties.actions(store)
        assert not closed.is_open and closed.done_note == "UPS tested"
        assert closed.done_by == "Lead Li 李" and closed.done_at == clock.now()
        assert "Corrective action closed by Lead Li 李" in screen_text(app)
        assert not [o for o in listing.options if o.id == f"action:{action}"]
