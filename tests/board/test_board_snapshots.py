"""The board at 80x24 and wide, in English and Chinese, on three consoles' operations with a
fixed clock. LOOK at each SVG after `pytest tests/board/test_board_snapshots.py
--snapshot-update`: every site with its lead, counts by severity, the late columns and the
titles readable; a peer's site shown literally."""

from __future__ import annotations

from command_console.i18n import set_language
from command_console.screens.board import BoardApp
from tests.board.conftest import settle


def after(minutes: int, clock):
    async def run(pilot) -> None:
        clock.advance(minutes * 60)
        await pilot.press("r")
        await settle(pilot)

    return run


def test_board_80x24(snap_compare, merged, clock):
    viewer, _ids = merged
    assert snap_compare(BoardApp(viewer), terminal_size=(80, 24), run_before=after(1, clock))


def test_board_140x36(snap_compare, merged, clock):
    viewer, _ids = merged
    assert snap_compare(BoardApp(viewer), terminal_size=(140, 36), run_before=after(20, clock))


def test_board_zh_80x24(snap_compare, merged, clock):
    set_language("zh-CN")
    viewer, _ids = merged
    assert snap_compare(BoardApp(viewer), terminal_size=(80, 24), run_before=after(1, clock))
