"""The board screen with real keys: three consoles' operations in alpha's database."""

from __future__ import annotations

import io

from rich.console import Console

from command_console.app import CommandConsoleApp
from command_console.data import actions
from command_console.screens.board import BoardApp, BoardScreen, BoardTable, ReadOnlyDetail
from command_console.screens.main import MainScreen
from tests.board.conftest import settle


def text_of(app, selector: str) -> str:
    widget = app.screen.query_one(selector)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def rows(app) -> list[str]:
    return app.screen.query_one(BoardTable).row_keys


async def test_board_groups_every_console_by_site_and_moves_with_j_k(merged, clock):
    viewer, ids = merged
    app = BoardApp(viewer)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        sites = text_of(app, "#board-sites-text")
        # Sites in order, a peer's site cleaned (markup literal, escape gone), a console
        # without a site under its id, each with its lead on shift.
        assert sites.index("charlie") < sites.index("North [bold]Hall[/] red, Pudong")
        assert "\x1b" not in sites and "热线中心 Hotline Centre, 3F Building A" in sites
        assert "Wang Fang 王芳 (bravo, since 14:00)" in sites
        assert "Zhao (charlie, since 14:00)" in sites
        assert "1 step late · 5 upward reports late" in sites  # the plan's own rule (five roles)
        assert "2 upward reports late · 1 drill" in sites
        # Incidents grouped by site (bravo's site sorts before alpha's), most severe first.
        assert rows(app) == [ids["drill"], ids["surge"], ids["cut"], ids["fresh"]]
        table = app.screen.query_one(BoardTable)
        assert table.cursor_key == ids["drill"]
        await pilot.press("j", "j")
        assert table.cursor_key == ids["cut"]
        await pilot.press("k")
        assert table.cursor_key == ids["surge"]
        await pilot.press("down", "down", "up")
        assert table.cursor_key == ids["cut"]


async def test_enter_shows_the_incident_read_only_and_escape_returns(merged):
    viewer, ids = merged
    app = BoardApp(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadOnlyDetail)
        assert app.screen.incident_id == ids["surge"]
        head = viewer.store.head()
        await pilot.press("l")  # the detail's quick log is not offered here
        await settle(pilot)
        assert isinstance(app.screen, ReadOnlyDetail) and viewer.store.head() == head
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("h")  # the console's handover: not on the board
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0 and viewer.store.head() == head


async def test_board_refreshes_by_itself_and_with_r(merged, clock):
    """Another process writes this database (the sync worker, the CLI): the board shows it
    at the app's next store poll, without a key; deadlines pass with the clock; r reads at once."""
    viewer, _ids = merged
    app = BoardApp(viewer)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        new = actions.open_incident(viewer.store, viewer.plan("fire-alarm"), title="Smoke on 2F")
        app.poll_store()  # the app's store poll (every POLL_S), run now instead of waiting
        await settle(pilot)
        assert new in rows(app)
        assert app.screen.query_one(BoardTable).get_cell(new, "reports").plain == ""
        clock.advance(16 * 60)
        await pilot.press("r")
        await settle(pilot)
        table = app.screen.query_one(BoardTable)
        assert table.get_cell(new, "reports").plain.isdigit()  # its first upward reports are late


async def test_b_on_the_console_opens_the_board_and_escape_returns(merged):
    viewer, ids = merged
    app = CommandConsoleApp(viewer)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert ids["surge"] in rows(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert "board_refresh" in text_of(app, "#help-table")
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("q")  # in the console, q on the board goes back; it never quits
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.is_running


async def test_the_board_syncs_its_share_and_shows_what_arrives(tmp_path):
    """`command-console board` runs the console's sync worker: a peer's incident published
    to the shared folder reaches the board with no key pressed."""
    from command_console.core.clock import SystemClock
    from command_console.data.sync import Syncer
    from tests.board.conftest import make_console

    share = tmp_path / "share"
    share.mkdir()
    alpha, bravo = (make_console(tmp_path, n, SystemClock(), share) for n in ("alpha", "bravo"))
    try:
        app = BoardApp(alpha)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            new = actions.open_incident(bravo.store, bravo.plan("fire-alarm"), title="Smoke")
            assert Syncer(bravo, share).sync_once(wait=True).share_ok
            for _ in range(100):  # the sync worker runs every SYNC_POLL_S; wait, bounded
                if new in rows(app):
                    break
                await pilot.pause(0.1)
            assert new in rows(app)
            assert "North Hall, Pudong" in text_of(app, "#board-sites-text")
    finally:
        alpha.close()
        bravo.close()
