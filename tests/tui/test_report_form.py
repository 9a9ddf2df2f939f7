"""The seven-field report form: prefill, drafts that survive a quit, completion checks."""

from __future__ import annotations

from command_console.core.report import ReportStatus
from command_console.data import queries
from tests.tui.conftest import screen_text, settle


async def open_report(pilot, incident_id: str) -> None:
    table = pilot.app.screen.incidents
    table.move_cursor(row=table.get_row_index(incident_id), animate=False)
    await pilot.press("r")
    await settle(pilot)


async def test_report_is_prefilled_from_what_the_console_knows(app, demo):
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_report(pilot, "1-tst")
        form = app.screen
        assert form.query_one("#field-site").value == "Hotline Centre, 3F Building A"
        assert (
            form.query_one("#field-occurred_at").value == "2026-11-22 13:53"
        )  # 7 min before 14:00 CST
        assert form.query_one("#field-type").value == "Power outage (serious 较大)"
        measures = form.query_one("#field-measures").text
        assert (
            "Phone maintenance at once" in measures and "UPS at 80%, generator starting" in measures
        )


async def test_every_keystroke_survives_quitting(app, demo, tmp_path, clock):
    from command_console.app import CommandConsoleApp

    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_report(pilot, "3-tst")
        await pilot.click("#field-trend")
        await pilot.press(*"Queue falling [bold] 排队")
        await settle(pilot)
        draft = app.drafts.load("3-tst")
        assert draft["trend"] == "Queue falling [bold] 排队"
        app.exit()  # the console stops at once (ctrl+q is refused in the form): no flush to the store
    assert queries.get_report(demo.store, "3-tst").value("trend") in (
        "",
        "Queue falling [bold] 排队",
    )
    again = CommandConsoleApp(demo)
    async with again.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_report(pilot, "3-tst")
        assert again.screen.query_one("#field-trend").text == "Queue falling [bold] 排队"
        await pilot.press("escape")  # leaving stores the typed fields and drops the draft
        await settle(pilot)
    assert queries.get_report(demo.store, "3-tst").value("trend") == "Queue falling [bold] 排队"
    assert demo.paths.root.joinpath("drafts", "3-tst.json").exists() is False


async def test_mark_complete_names_each_missing_field_then_completes(app, demo):
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_report(pilot, "3-tst")
        await pilot.press("ctrl+o")
        await settle(pilot)
        text = screen_text(app)
        for label in (
            "Impact and severity is missing",
            "Trend, potential losses and next measures is missing",
            "Other relevant information is missing",
        ):
            assert label in text
        assert queries.get_report(demo.store, "3-tst").status == ReportStatus.DRAFT
        form = app.screen
        assert form.query_one("#block-trend").has_class("-invalid")
        assert form.focused is form.query_one("#field-impact")  # points at the first bad field
        await pilot.press(*"140 callers waiting, 6 min wait")
        await pilot.click("#field-trend")
        await pilot.press(*"Queue should clear within the hour")
        await pilot.click("#field-other")
        await pilot.press(*"none")
        await pilot.press("ctrl+o")
        await settle(pilot)
        report = queries.get_report(demo.store, "3-tst")
        assert report.status == ReportStatus.COMPLETE
        assert report.value("trend") == "Queue should clear within the hour"
        assert any(
            e.text == "Report marked complete" for e in queries.timeline(demo.store, "3-tst")
        )
        assert app.screen.__class__.__name__ == "MainScreen"


async def test_invalid_time_is_pointed_at(app, demo):
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_report(pilot, "2-tst")
        form = app.screen
        form.query_one("#field-occurred_at").value = "around lunch"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "is not a time like" in screen_text(app)
        assert form.query_one("#block-occurred_at").has_class("-invalid")
