"""Fixing a mistaken incident from the console (issue #14 item 8), with real keys:
p changes the plan, X cancels with a reason, m corrects or retracts a log entry (on the
main screen and in the detail). Asserted on the store and on the screen."""

from __future__ import annotations

from command_console.core.incidents import Status
from command_console.data import actions, queries
from tests.tui.conftest import screen_text, settle
from tests.tui.test_flows import select


def _open(demo, plan: str = "power-outage") -> str:
    return actions.open_incident(demo.store, demo.plan(plan), title="Hall B dark")


async def test_p_changes_the_plan_after_a_second_enter(app, demo):
    incident = _open(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        select(app, incident)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"inbound call surge", "enter")
        await settle(pilot)
        assert queries.get_incident(demo.store, incident).plan_id == "power-outage"
        assert "Enter again" in screen_text(app)  # said, not done: it replaces the steps
        await pilot.press("enter")
        await settle(pilot)
        found = queries.get_incident(demo.store, incident)
        assert found.plan_id == "inbound-call-surge"
        assert [s.step_id for s in found.steps] == [
            s.id for s in demo.plan("inbound-call-surge").steps
        ]
        assert "now follows plan Inbound call surge" in screen_text(app)
        texts = [e.text for e in queries.timeline(demo.store, incident)]
        assert any(
            t.startswith("Plan changed from Power outage to Inbound call surge") for t in texts
        )


async def test_esc_in_the_plan_dialog_changes_nothing(app, demo):
    incident = _open(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        select(app, incident)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"fire", "enter", "escape")
        await settle(pilot)
        assert queries.get_incident(demo.store, incident).plan_id == "power-outage"


async def test_shift_x_cancels_with_a_reason_and_the_incident_leaves_the_list(app, demo):
    incident = _open(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        select(app, incident)
        await pilot.press("X")
        await settle(pilot)
        await pilot.press("enter")  # no reason: refused in the dialog
        await settle(pilot)
        assert "needs a reason" in screen_text(app)
        assert queries.get_incident(demo.store, incident).status == Status.ACTIVE
        await pilot.press(*"duplicate of 1-tst", "enter")
        await settle(pilot)
        assert queries.get_incident(demo.store, incident).status == Status.CANCELLED
        assert incident not in app.screen.incidents.incidents  # out of the open list
        await pilot.press("o")  # shown with the closed ones, as cancelled
        await settle(pilot)
        assert incident in app.screen.incidents.incidents
        assert "cancelled" in screen_text(app)
        select(app, incident)
        await pilot.press("x")  # a cancelled incident is not resolved: says so
        await settle(pilot)
        assert f"{incident} is cancelled" in screen_text(app)


async def test_m_corrects_and_retracts_log_entries_keeping_the_originals(app, demo):
    incident = _open(demo)
    first = actions.log(demo.store, incident, "caller says hall B")
    actions.log(demo.store, incident, "logged on the wrong incident")
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        select(app, incident)
        await pilot.press("m")  # newest entry first: retract it
        await settle(pilot)
        await pilot.press("enter", "ctrl+u", "tab", *"wrong incident", "enter")
        await settle(pilot)
        assert "Enter again retracts" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("m", "down", "enter")  # the older one: correct it
        await settle(pilot)
        await pilot.press("ctrl+u", *"caller says hall A", "enter", *"misheard", "enter")
        await settle(pilot)
        entries = {e.id: e for e in queries.timeline(demo.store, incident)}
        assert entries[first.id].text == "caller says hall B"
        assert entries[first.id].amendment.text == "caller says hall A"
        assert sum(1 for e in entries.values() if e.amendment and e.amendment.retracted) == 1
        await pilot.press("enter")  # the detail shows both, the originals kept
        await settle(pilot)
        text = screen_text(app)
        assert "caller says hall B caller says hall A" in text and "corrected by" in text
        assert "logged on the wrong incident" in text and "retracted by" in text


async def test_m_in_the_detail_corrects_an_entry(app, demo):
    incident = _open(demo)
    entry = actions.log(demo.store, incident, "smoke on floor 2")
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(pilot)
        select(app, incident)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("m", "enter", "ctrl+u", *"smoke on floor 3", "enter", *"typo", "enter")
        await settle(pilot)
        fixed = next(e for e in queries.timeline(demo.store, incident) if e.id == entry.id)
        assert fixed.amendment is not None and fixed.amendment.text == "smoke on floor 3"
        assert "smoke on floor 3" in screen_text(app)  # the detail reloaded


async def test_m_without_a_log_entry_says_why(app, demo):
    incident = _open(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        select(app, incident)
        await pilot.press("m")
        await settle(pilot)
        assert "has no log entry to correct" in screen_text(app)
