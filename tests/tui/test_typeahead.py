"""Type-ahead: keys that arrive in one burst (a fast typist, or SSH delivering several
keys in one packet) land where the lead meant, in order, and no key becomes a command
it was not meant to be."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from command_console.data import queries
from tests.tui.conftest import settle


def burst(app, *parts: str) -> None:
    """Queue every key at once, as the terminal driver does when it reads them in one go.
    A part is either a key name ("enter", "escape") or literal text."""
    for part in parts:
        if part in ("enter", "escape", "tab", "down", "up"):
            app.post_message(events.Key(part, "\r" if part == "enter" else None))
            continue
        for char in part:
            app.post_message(events.Key(_character_to_key(char), char))


def timeline_texts(store, incident_id: str) -> list[str]:
    return [entry.text for entry in queries.timeline(store, incident_id)]


async def test_roster_filter_takes_the_letters_typed_right_after_c(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        acks_before = [e for e in timeline_texts(demo.store, "3-tst") if "cknowledged" in e]
        burst(app, "cwang")
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"  # `n` opened no plan picker
        assert app.screen.query_one("#roster-filter").value == "wang"
        assert [e for e in timeline_texts(demo.store, "3-tst") if "cknowledged" in e] == acks_before


async def test_quick_log_keeps_every_letter_typed_right_after_l(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        incident = app.screen.incident.id
        steps_before = [s.state for s in queries.get_incident(demo.store, incident).steps]
        burst(app, "lqueue at 90 ", "enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "MainScreen"
        assert timeline_texts(demo.store, incident)[-1] == "queue at 90"
        # the space after "90" typed into the box, not "step done" on the main screen
        assert [s.state for s in queries.get_incident(demo.store, incident).steps] == steps_before


async def test_keys_after_enter_in_the_quick_log_go_back_to_the_main_screen(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        incident = app.screen.incident.id
        burst(app, "lfirst", "enter", "lsecond", "enter")
        for _ in range(4):
            await settle(pilot)
        assert timeline_texts(demo.store, incident)[-2:] == ["first", "second"]
        assert type(app.screen).__name__ == "MainScreen"


async def test_enter_in_the_roster_filter_then_a_call_key(app, demo):
    """`c`, a name, Enter (to the list), `1` (reached): the call is logged, the filter keeps the name."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        incident = app.screen.incident.id
        app.screen.roster.table.move_cursor(3)  # somebody else's number, not in the filtered list
        burst(app, "cwang", "enter", "1")
        await settle(pilot)
        await settle(pilot)
        assert app.screen.query_one("#roster-filter").value == "wang"
        wang = next(c for c in queries.list_contacts(demo.store) if "wang" in c.name.lower())
        last = timeline_texts(demo.store, incident)[-1]
        assert (
            "reached" in last and wang.name in last and wang.phones[0] in last
        )  # the first row: the first number


async def test_new_incident_picker_takes_the_filter_typed_right_after_n(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(app, "npower")
        await settle(pilot)
        assert type(app.screen).__name__ == "NewIncidentScreen"
        assert app.screen.query_one("#plan-filter").value == "power"


def step_states(store) -> dict[str, list]:
    return {i.id: [s.state for s in i.steps] for i in queries.list_incidents(store)}


async def test_space_right_after_a_cursor_move_marks_a_step_of_the_new_incident(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.screen.incidents.move_cursor(0)
        await settle(pilot)
        before = step_states(demo.store)
        burst(app, "down", " ")
        await settle(pilot)
        await settle(pilot)
        moved_to = app.screen.incidents.row_keys[1]
        after = step_states(demo.store)
        changed = [incident for incident in before if before[incident] != after[incident]]
        assert changed == [moved_to]


async def test_a_key_right_after_enter_goes_to_the_detail_it_opened(app, demo):
    """Enter opens the detail; an `x` typed right after must not ask to resolve from the main screen."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(app, "enter", "x")
        await settle(pilot)
        assert type(app.screen).__name__ == "DetailScreen"
        assert "ConfirmScreen" not in [type(s).__name__ for s in app.screen_stack]


async def test_two_quick_spaces_mark_two_steps(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        incident = app.screen.incident.id
        open_before = [
            s.step_id for s in queries.get_incident(demo.store, incident).steps if s.is_open
        ]
        burst(app, "  ")
        for _ in range(3):
            await settle(pilot)
        open_after = [
            s.step_id for s in queries.get_incident(demo.store, incident).steps if s.is_open
        ]
        assert len(open_after) == len(open_before) - 2


async def test_log_typed_right_after_opening_an_incident_lands_on_it(app, demo):
    """`n`, a plan, Enter, then at once `l`, a line, Enter: the line is on the new incident."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        before = {i.id for i in queries.list_incidents(demo.store)}
        burst(app, "npower", "enter", "lUPS on battery", "enter")
        for _ in range(4):
            await settle(pilot)
        (new,) = {i.id for i in queries.list_incidents(demo.store)} - before
        assert timeline_texts(demo.store, new)[-1] == "UPS on battery"
        assert type(app.screen).__name__ == "MainScreen"


async def test_a_paste_right_after_l_lands_in_the_quick_log(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(app, "l")
        app.post_message(events.Paste("UPS alarm 12:04, generator started"))
        await settle(pilot)
        assert app.screen.query_one("#entry").value == "UPS alarm 12:04, generator started"


async def test_the_command_palette_takes_the_letters_typed_right_after_ctrl_p(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.post_message(events.Key("ctrl+p", None))
        burst(app, "export")
        await settle(pilot)
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "CommandPalette"
        assert app.screen.query_one(Input).value == "export"


async def test_skip_with_a_reason_then_space_marks_the_next_step(app, demo):
    """`s`, a reason, Enter, then `space` at once: the step is skipped with the reason and
    the space marks the next open step (the reason's dialog and its write come first)."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        incident = app.screen.incident.id
        before = {s.step_id: s for s in queries.get_incident(demo.store, incident).steps}
        first = before[app.screen.steps.selected_step.step_id]
        next_open = min(
            (s for s in before.values() if s.is_open and s.position > first.position),
            key=lambda s: s.position,
        )
        burst(app, "sno one on site", "enter", " ")
        for _ in range(4):
            await settle(pilot)
        after = {s.step_id: s for s in queries.get_incident(demo.store, incident).steps}
        changed = {k: after[k].state.value for k in after if after[k].state != before[k].state}
        assert changed == {first.step_id: "skipped", next_open.step_id: "done"}
        assert after[first.step_id].state_note == "no one on site"
