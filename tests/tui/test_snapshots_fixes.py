"""Snapshots of the dialogs that fix a mistaken incident (issue #14 item 8) at 80x24:
change of plan (after the first Enter), cancel, correct a log entry. Fixed clock, demo data.
Update with `pytest tests/tui/test_snapshots_fixes.py --snapshot-update` and LOOK at the SVGs."""

from __future__ import annotations

from command_console.app import CommandConsoleApp
from command_console.data import actions
from tests.tui.test_snapshots import before


def test_change_plan_asks_again_80x24(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo),
        terminal_size=(80, 24),
        run_before=before("p", *"surge", "enter", select="2-tst"),
    )


def test_cancel_incident_80x24(snap_compare, demo):
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(80, 24), run_before=before("X", select="2-tst")
    )


def test_correct_log_entry_80x24(snap_compare, demo):
    actions.log(demo.store, "2-tst", "caller says hall B [bold]")
    demo.clock.advance(seconds=40)
    actions.log(demo.store, "2-tst", "wrong line")
    assert snap_compare(
        CommandConsoleApp(demo), terminal_size=(80, 24), run_before=before("m", select="2-tst")
    )
