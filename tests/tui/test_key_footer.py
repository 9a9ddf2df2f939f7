"""The key footer: the keys that apply now, dimmed when unavailable, clickable."""

from __future__ import annotations

from command_console.app import CommandConsoleApp
from command_console.widgets.footer import KeyFooter
from tests.tui.conftest import screen_text, settle


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


def key_offset(app, description: str) -> tuple[int, int]:
    line = footer_line(app)
    return line.index(description), 0


async def test_footer_follows_the_focused_pane(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        line = footer_line(app)
        for shown in ("nNew", "lLog", "spaceDone", "rReport", "qQuit", "?Help", "^ppalette"):
            assert shown in line, shown
        assert "Reached" not in line
        await pilot.press("c", "enter")  # the roster list: its call keys join the footer
        await settle(pilot)
        line = footer_line(app)
        assert "1Reached" in line and "2No answer" in line and "3Left msg" in line
        await pilot.press("shift+tab", "shift+tab")
        await settle(pilot)
        assert "Reached" not in footer_line(app)


async def test_clicking_a_key_runs_it(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.click(KeyFooter, offset=key_offset(app, "New"))
        await settle(pilot)
        assert type(app.screen).__name__ == "NewIncidentScreen"


async def test_a_dimmed_key_rings_the_bell_instead(workspace):
    """No incident yet: Log is shown dimmed; clicking it rings the bell and opens nothing."""
    app = CommandConsoleApp(workspace)
    bells = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        assert [k.enabled for k in footer.keys if k.description == "Log"] == [False]
        await pilot.click(KeyFooter, offset=key_offset(app, "Log"))
        await settle(pilot)
        assert bells == [1]
        assert type(app.screen).__name__ == "MainScreen"
