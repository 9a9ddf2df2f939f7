"""The export screen in a real (headless) Textual app: every format at once into a folder."""

from __future__ import annotations

import asyncio
import json
import stat

from textual.app import App
from textual.widgets import Input

from command_console.screens.export import ExportScreen


def run(coroutine) -> None:
    """Run a pilot on a private loop (never touching the global one: snapshot tests need it)."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(coroutine)
    finally:
        loop.close()


class Host(App):
    def __init__(self, workspace, folder) -> None:
        super().__init__()
        self.workspace, self.folder, self.result = workspace, folder, "unset"

    def on_mount(self) -> None:
        self.push_screen(ExportScreen(self.workspace, self.folder), callback=self.done)

    def done(self, result) -> None:
        self.result = result


def test_export_screen_writes_every_format_privately_in_one_action(shift_workspace, tmp_path):
    workspace, _ = shift_workspace
    app = Host(workspace, tmp_path / "reports")
    run(write_all(app, tmp_path / "reports"))


async def write_all(app, folder) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#export-path", Input).value == str(folder)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(path.suffix for path in app.result) == [".csv", ".html", ".json", ".md"]
        for path in app.result:
            assert path.parent == folder and stat.S_IMODE(path.stat().st_mode) == 0o600
        html = next(path for path in app.result if path.suffix == ".html").read_text()
        assert "<svg" in html and "Floor 3 dark" in html
        assert any(str(folder) in str(n.message) for n in app._notifications)


def test_export_screen_shows_one_line_for_a_bad_path_and_esc_closes(shift_workspace, tmp_path):
    workspace, _ = shift_workspace
    run(bad_path(Host(workspace, tmp_path), tmp_path))


async def bad_path(app, tmp_path) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#export-path", Input)
        (tmp_path / "a-file").write_text("x")
        box.value = str(tmp_path / "a-file")
        box.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = str(app.screen.query_one("#export-error").render())
        assert "is not a folder" in error and "\n" not in error.strip()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None and not isinstance(app.screen, ExportScreen)


def test_export_screen_window_previous_shift_or_since_a_time(shift_workspace, tmp_path):
    """Blank is the current shift (only the handover's start here); 'previous' is the shift
    just handed over (the incidents); a bad time is one line naming the window."""
    workspace, ids = shift_workspace
    run(export_windows(Host(workspace, tmp_path), tmp_path, ids["shift"]))


async def export_windows(app, tmp_path, previous_shift: str) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        window = app.screen.query_one("#export-window", Input)
        window.value = "about noon"
        window.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = str(app.screen.query_one("#export-error").render())
        assert error.startswith("window 'about noon' is not a time") and "\n" not in error.strip()
        window.value = "previous"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        report = json.loads(next(path for path in app.result if path.suffix == ".json").read_text())
        assert report["window"]["shift_id"] == previous_shift and "Floor 3 dark" in json.dumps(
            report, ensure_ascii=False
        )
