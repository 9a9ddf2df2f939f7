"""Issue 14: under pressure the console never misleads the lead and never loses intent.
Each test is one of the issue's numbered problems, driven with real keys."""

from __future__ import annotations

from command_console.core.incidents import StepState
from tests.tui.conftest import screen_text, settle
from tests.tui.test_typeahead import burst, timeline_texts


async def open_report(pilot, incident_id: str) -> None:
    table = pilot.app.screen.incidents
    table.move_cursor(row=table.get_row_index(incident_id), animate=False)
    await pilot.press("r")
    await settle(pilot)


# 1. q quits at once, with incidents open, and from inside the report form


async def test_q_with_open_incidents_asks_first_and_n_keeps_the_console(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert app.return_code is None
        assert type(app.screen).__name__ == "ConfirmScreen"
        assert "open" in screen_text(app) and "alarm" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.return_code is None and type(app.screen).__name__ == "MainScreen"
        await pilot.press("q", "y")
        await settle(pilot)
        assert app.return_code == 0


async def test_q_and_ctrl_q_never_close_the_app_from_the_report_form(app):
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_report(pilot, "3-tst")
        app.screen.set_focus(app.screen.query_one("#complete"))
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.return_code is None
        assert type(app.screen).__name__ == "ReportScreen"


# 2. the report form opens with the prefilled site selected: the first key replaced it


async def test_report_form_opens_with_the_cursor_after_the_prefilled_site(app):
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_report(pilot, "3-tst")
        site = app.screen.query_one("#field-site")
        before = site.value
        assert before
        await pilot.press("X")
        await settle(pilot)
        assert site.value == before + "X"


# 3. after a refused action, the text typed next ran as commands


def with_a_done_step(screen):
    """Select an incident that has a step already done; returns its id and the step."""
    for incident in screen.incidents.incidents.values():
        done = next((s for s in incident.steps if s.state == StepState.DONE), None)
        if done is not None:
            screen.incidents.move_cursor(row=screen.incidents.get_row_index(incident.id))
            return incident.id, done
    raise AssertionError("the demo has no step done")


async def test_keys_typed_after_a_refused_action_are_not_commands(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        incident, done = with_a_done_step(screen)
        await settle(pilot)
        screen.steps.move_cursor(row=screen.steps.get_row_index(done.step_id), animate=False)
        await settle(pilot)
        entries_before = timeline_texts(demo.store, incident)
        burst(app, "s", "lost power in the west wing", "enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        assert timeline_texts(demo.store, incident) == entries_before
        assert "already done" in screen_text(app)


async def test_a_key_typed_later_after_a_refusal_runs_again(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        _incident, done = with_a_done_step(screen)
        await settle(pilot)
        screen.steps.move_cursor(row=screen.steps.get_row_index(done.step_id), animate=False)
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.forget_refusal()  # the lead paused: the quiet window is over
        await pilot.press("l")
        await settle(pilot)
        assert type(app.screen).__name__ == "QuickLogScreen"


# 4. Tab typed in a burst inside a report field or the handover note landed late


async def test_tab_in_a_burst_moves_to_the_next_report_field_in_order(app, demo):
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_report(pilot, "3-tst")
        form = app.screen
        impact = form.query_one("#field-impact")
        form.set_focus(impact)
        impact.load_text("")
        await settle(pilot)
        burst(app, "abc", "tab", "def")
        await settle(pilot)
        assert impact.text == "abc"
        assert form.query_one("#field-measures").text.endswith("def")  # after the prefill, at the cursor


async def test_tab_in_a_burst_in_the_handover_note(app, demo):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        burst(app, "abc", "tab", "def")
        await settle(pilot)
        assert app.screen.query_one("#handover-note").text == "abc"
        assert app.focused.id != "handover-note"
