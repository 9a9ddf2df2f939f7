"""The console in zh-CN shows no English where issue #13 found it (help section names and
columns, the severity picker, plan titles in the lists and exports, the roster's role and
emergency-service words, the detail header, the console's own timeline entries, the report
status, the routines in the handover). Each English word below was on screen before."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from command_console.app import CommandConsoleApp
from command_console.core.clock import FakeClock
from command_console.core.incidents import StepState
from command_console.data import actions, actions_duties, exports
from command_console.data.shift import Window
from command_console.i18n import set_language
from tests.tui.conftest import START, make_workspace, screen_text, settle

# screen -> the English shown there in zh-CN before the fix (whole words)
ENGLISH = {
    "main": [
        "Alarm / fire",
        "Power outage",
        "security",
        "duty-manager",
        "fire",
        "police",
        "ambulance",
        "sync: off",
    ],
    "help": ["Main screen", "Roster", "Everywhere", "Key", "Action", "Binding id"],
    "new": ["general", "serious", "major", "critical", "GENERAL", "SERIOUS", "MAJOR"],
    "detail": [
        "plan",
        "active",
        "started",
        "opened by",
        "report",
        "draft",
        "status",
        "Opened with plan",
        "Step done",
        "security",
        "Back",
    ],
    "report": ["draft", "Save"],
    "handover": ["daily-summary  时限"],  # the routine's id where its title belongs
    "palette": ["Search for commands", "Theme", "Change the current theme", "Keys"],
}


def _words(text: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


@pytest.fixture
def zh_workspace(tmp_path):
    set_language("zh-CN")
    clock = FakeClock(START)
    workspace = make_workspace(tmp_path / "data", clock)
    store = workspace.store
    fire = actions.open_incident(store, workspace.plan("fire-alarm"), title="三楼烟感报警")
    actions.set_step(store, fire, actions.resolve_step(store, fire, "1"), StepState.DONE)
    actions.open_incident(store, workspace.plan("power-outage"), title="停电演练", drill=True)
    yield workspace, fire
    workspace.close()
    set_language("en")


async def _visit(app, pilot, key: str) -> str:
    await pilot.press(key)
    await settle(pilot)
    text = screen_text(app)
    await pilot.press("escape")
    await settle(pilot)
    return text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_console_in_chinese_shows_none_of_the_english_it_had(zh_workspace, size):
    workspace, _fire = zh_workspace
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        seen = {"main": screen_text(app)}
        seen["help"] = await _visit(app, pilot, "question_mark")
        seen["new"] = await _visit(app, pilot, "n")
        seen["detail"] = await _visit(app, pilot, "enter")
        seen["report"] = await _visit(app, pilot, "r")
        seen["handover"] = await _visit(app, pilot, "h")
        seen["palette"] = await _visit(app, pilot, "ctrl+p")
    found = {screen: _words(seen[screen], words) for screen, words in ENGLISH.items()}
    assert found == {screen: [] for screen in ENGLISH}, found
    assert "火警" in seen["main"] and "主界面" in seen["help"]
    assert "一般" in seen["new"], seen["new"]
    assert "按预案" in seen["detail"] and "步骤完成" in seen["detail"]


def test_exports_in_chinese_carry_the_plan_title_and_entries_in_chinese(zh_workspace):
    workspace, fire = zh_workspace
    store, now = workspace.store, workspace.clock.now()
    workspace.clock.advance(60)
    actions_duties.report_sent(store, fire, "应急处理领导小组", "phone")
    window = Window(now - timedelta(hours=1), workspace.clock.now())
    record = exports.collect(
        store, exports.site_of(workspace.config), window, workspace.clock.now()
    )
    text = "\n".join(
        exports.render(record, fmt).decode("utf-8-sig") for fmt in ("md", "html", "csv", "json")
    )
    assert (
        _words(text, ["Alarm / fire", "Power outage", "Opened with plan", "Step done", "Told"])
        == []
    )
    assert "警报及火灾 (fire-alarm)" in text and "按预案 警报及火灾（重大）立案" in text
    assert "电话告知 应急处理领导小组" in text


def test_english_console_keeps_english_words(tmp_path):
    set_language("en")
    workspace = make_workspace(tmp_path / "data", FakeClock(START))
    try:
        incident = actions.open_incident(workspace.store, workspace.plan("fire-alarm"))
        from command_console.data import queries

        assert queries.get_incident(workspace.store, incident).plan_title == "Alarm / fire"
        [entry] = queries.timeline(workspace.store, incident)
        assert entry.text.startswith("Opened with plan Alarm / fire (major)")
    finally:
        workspace.close()
