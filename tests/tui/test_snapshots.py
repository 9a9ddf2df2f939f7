"""One snapshot per screen and modal, fixed clock, demo data, cursor blink off.
Update with `pytest tests/tui/test_snapshots.py --snapshot-update` and LOOK at the SVGs."""

from __future__ import annotations

from command_console.app import CommandConsoleApp
from tests.tui.conftest import settle


def no_blink(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def before(*keys: str, select: str | None = None):
    async def run(pilot) -> None:
        await settle(pilot)
        pilot.app.clear_notifications()  # alarm toasts are covered by test_alarms; show the layout
        await settle(pilot)
        if select:
            table = pilot.app.screen.incidents
            table.move_cursor(row=table.get_row_index(select), animate=False)
            await settle(pilot)
        for key in keys:
            no_blink(pilot.app)  # before focus moves, so the cursor is drawn steadily
            await pilot.press(key)
            await settle(pilot)
        no_blink(pilot.app)
        pilot.app.clear_notifications()  # alarm toasts are covered by test_alarms; show the layout
        await settle(pilot)

    return run


def test_main_80x24(snap_compare, demo):
    assert snap_compare(CommandConsoleApp(demo), terminal_size=(80, 24), run_before=before())


def test_main_120x40(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(120, 40), run_before=before(select="1-tst")
    )


def test_main_compact_60x20(snap_compare, demo):
    """Compact mode: incident, next deadline and whom to call (the alarm strip)."""
    assert snap_compare(CommandConsoleApp(demo), terminal_size=(60, 20), run_before=before())


def test_roster_from_a_step_80x24(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(80, 24), run_before=before("c", select="1-tst")
    )


def fixed(run, selector: str, text: str):
    """After `run`, put a fixed text where the screen shows a random id or a tmp path."""

    async def then(pilot) -> None:
        await run(pilot)
        widget = pilot.app.screen.query_one(selector)
        if hasattr(widget, "value"):
            widget.value = text
        else:
            widget.update(text)
        await settle(pilot)

    return then


def test_handover_80x24(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo),
        terminal_size=(80, 24),
        run_before=fixed(
            before("h"), "#handover-title", "Shift handover — shift tst-000000, lead Lead Li 李"
        ),
    )


def test_export_80x24(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo),
        terminal_size=(80, 24),
        run_before=fixed(before("e"), "#export-path", "/data/reports"),
    )


def test_quit_asks_80x24(snap_compare, demo):
    assert snap_compare(CommandConsoleApp(demo), terminal_size=(80, 24), run_before=before("q"))


def test_edit_incident_80x24(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(80, 24), run_before=before("i", select="2-tst")
    )


def test_plan_picker(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(100, 32), run_before=before("n", *"sys")
    )


def test_report_form_with_errors(snap_compare, demo):
    app = CommandConsoleApp(demo)
    assert snap_compare(
        app, terminal_size=(110, 50), run_before=before("r", "ctrl+o", select="3-tst")
    )


def test_help(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(110, 40), run_before=before("question_mark")
    )


def test_detail(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(110, 32), run_before=before("enter", select="2-tst")
    )


def test_quick_log(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo),
        terminal_size=(100, 30),
        run_before=before("l", *"Queue at 90 [bold]calls[/]", select="3-tst"),
    )


def test_confirm_resolve(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(100, 30), run_before=before("x", select="1-tst")
    )
