"""Issue 14: under pressure the console never misleads the lead and never loses intent.
Each test is one of the issue's numbered problems, driven with real keys."""

from __future__ import annotations

from command_console.core.incidents import StepState
from command_console.data import actions, queries
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
        assert form.query_one("#field-measures").text.endswith(
            "def"
        )  # after the prefill, at the cursor


async def test_tab_in_a_burst_in_the_handover_note(app, demo):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        burst(app, "abc", "tab", "def")
        await settle(pilot)
        assert app.screen.query_one("#handover-note").text == "abc"
        assert app.focused.id != "handover-note"


# 5. c then Enter landed on whatever roster row was selected before


async def test_c_enter_1_calls_the_selected_steps_first_contact(app, demo):
    from command_console.screens.alarms import call_order

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        step = next(s for s in screen.incident.steps if s.is_open and s.contact_role)
        screen.steps.move_cursor(row=screen.steps.get_row_index(step.step_id))
        await settle(pilot)
        screen.roster.table.move_cursor(
            5
        )  # somebody else, as a lead scrolling the list would leave it
        await settle(pilot)
        first = call_order(step, screen.everyone)[0]
        burst(app, "c", "enter", "1")
        await settle(pilot)
        await settle(pilot)
        last = queries.list_calls(demo.store, screen.incident.id)[-1]
        assert last.contact_id == first.id and last.role == step.contact_role


async def test_roster_shows_the_steps_role_and_marks_off_duty_people_last(app, demo):
    from dataclasses import replace

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        step = next(s for s in screen.incident.steps if s.is_open and s.contact_role)
        screen.steps.move_cursor(row=screen.steps.get_row_index(step.step_id))
        await settle(pilot)
        contacts = list(screen.contacts)
        first_of_role = next(c for c in contacts if step.contact_role in c.roles)
        contacts[contacts.index(first_of_role)] = replace(first_of_role, on_duty=False)
        screen.roster.set_contacts(contacts)
        await settle(pilot)
        table = screen.roster.table
        rows = [table.by_key[key] for key in table.row_keys]
        off_row = next(n for n, r in enumerate(rows) if r.contact.id == first_of_role.id)
        ranked_on_duty = [n for n, r in enumerate(rows) if r.rank and r.contact.on_duty]
        assert all(n < off_row for n in ranked_on_duty)  # on-duty contacts of the role first
        assert "off duty" in table.get_cell(table.row_keys[off_row], "name").plain
        ranked_key = table.row_keys[ranked_on_duty[0]]
        assert table.get_cell(ranked_key, "role").plain == step.contact_role


# 6. the repeating alarm kept saying "call Wang Fang" after her "no answer" was logged


async def test_alarm_strip_follows_the_call_log(workspace, clock):
    from command_console.app import CommandConsoleApp
    from command_console.core.incidents import CallOutcome
    from command_console.screens.alarms import call_order

    incident = actions.open_incident(
        workspace.store, workspace.plan("power-outage"), title="Mains down"
    )
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        clock.advance(6 * 60)
        screen.tick()
        await settle(pilot)
        step = next(s for s in screen.incident.steps if s.step_id == "phone-superior")
        first, second = call_order(step, screen.everyone)[:2]
        strip = screen.query_one("#alarm-strip")
        assert strip.display and f"call {first.name}" in strip._last
        assert not list(app._notifications)  # no toast covers the roster
        actions.log_call(
            workspace.store, incident, first, first.phones[0], CallOutcome.NO_ANSWER, "superior"
        )
        app.store_changed()
        await settle(pilot)
        screen.tick()
        assert f"call {second.name}" in strip._last and f"call {first.name}" not in strip._last
        actions.log_call(
            workspace.store, incident, second, second.phones[0], CallOutcome.REACHED, "superior"
        )
        app.store_changed()
        await settle(pilot)
        screen.tick()
        assert f"reached {second.name}" in strip._last and "a acknowledges" in strip._last
        await pilot.press("a")
        await settle(pilot)
        screen.tick()
        assert not strip.display


# 8. a mistaken incident could not be fixed in the console


async def test_i_changes_severity_and_title_each_kept_in_the_audit(app, demo):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        incident = app.screen.incident
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "EditIncidentScreen"
        title = app.screen.query_one("#edit-title")
        await pilot.press("4", "tab", *" (mistyped)", "enter")
        await settle(pilot)
        await settle(pilot)
        after = queries.get_incident(demo.store, incident.id)
        assert after.severity.value == "critical" and after.title == incident.title + " (mistyped)"
        assert title.value == after.title
        assert "severity, title changed" in screen_text(app)


async def test_u_reopens_a_step_done_by_mistake(app, demo):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        incident, done = with_a_done_step(screen)
        await settle(pilot)
        screen.steps.move_cursor(row=screen.steps.get_row_index(done.step_id))
        await settle(pilot)
        await pilot.press("u", "y")
        await settle(pilot)
        await settle(pilot)
        step = next(
            s for s in queries.get_incident(demo.store, incident).steps if s.step_id == done.step_id
        )
        assert step.is_open


async def test_palette_finds_severity_and_reopen(app, demo):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for word in ("severity", "reopen", "title", "start time"):
            assert any(word in title.lower() for title in titles), word
