"""The CLI in zh-CN as a shift lead used it beside the console (each failed before its fix):
English words in Chinese output, and a contact list that cut roles and numbers silently."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from command_console import i18n
from command_console.cli import app

runner = CliRunner()


@pytest.fixture
def zh(tmp_path):
    data = tmp_path / "data"

    def run(*args: str):
        return runner.invoke(app, ["--data-dir", str(data), "--lang", "zh-CN", *args])

    assert run("init").exit_code == 0
    yield run
    i18n.set_language("en")


def test_report_show_and_check_give_the_status_in_chinese(zh):
    incident = zh("incident", "open", "power-outage").output.strip()
    shown = zh("report", "show", incident).output.splitlines()[0]
    assert "草稿" in shown and "draft" not in shown, shown
    for field in ("site", "occurred_at", "type", "impact", "measures", "trend", "other"):
        value = "2026-11-22 14:00" if field == "occurred_at" else "三楼停电，坐席由 UPS 供电中"
        zh("report", "set", incident, field, value)
    checked = zh("report", "check", incident).output
    assert "草稿" in checked and "draft" not in checked, checked


def test_plans_show_gives_the_default_level_in_chinese(zh):
    first = zh("plans", "show", "power-outage").output.splitlines()[0]
    assert "默认级别 较大" in first, first


def test_an_unknown_incident_or_plan_is_named_in_chinese(zh):
    unknown_incident = zh("log", "9-nope", "x").output
    unknown_plan = zh("incident", "open", "nosuchplan").output
    assert "未知的事件" in unknown_incident and "incident" not in unknown_incident
    assert "未知的预案" in unknown_plan and "plan " not in unknown_plan


def test_contacts_list_never_cuts_a_role_or_a_number(zh, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,roles,phones,notes,on_duty\n"
        "Sarah Miller,centre-manager:1;emergency-team:1,+86 10 5550 0104;+86 138 0000 0104;"
        "+86 139 0000 0104,,true\n",
        encoding="utf-8",
    )
    assert zh("contacts", "import", str(roster)).exit_code == 0
    listed = zh("contacts", "list").output
    [line] = [row for row in listed.splitlines() if row.startswith("Sarah Miller")]
    assert "emergency-team:1" in line and "+86 139 0000 0104" in line, line
    assert "火警 119" in listed and "fire 119" not in listed


def test_usage_errors_are_one_line_in_chinese(tmp_path):
    data = str(tmp_path / "data")
    try:
        said = {
            args[0]: runner.invoke(app, ["--data-dir", data, "--lang", "zh-CN", *args]).output
            for args in (
                ["nosuch"],  # answered before the root callback chose the language
                ["log"],
                ["incident", "open", "power-outage", "--drill=yes"],
            )
        }
    finally:
        i18n.set_language("en")
    assert said["nosuch"].startswith("错误：没有此命令：'nosuch'"), said
    assert said["log"].startswith("错误：缺少参数 'incident'"), said
    assert said["incident"].startswith("错误：选项 '--drill' 不接受值"), said
    assert all(len(line.splitlines()) == 1 for line in said.values()), said


def test_a_cut_title_in_incident_list_ends_in_an_ellipsis(tmp_path):
    data = str(tmp_path / "data")
    title = "Mains down on floor 3, UPS carrying the seats, generator not started"
    opened = runner.invoke(app, ["--data-dir", data, "incident", "open", "power", "--title", title])
    assert opened.exit_code == 0, opened.output
    [line] = runner.invoke(app, ["--data-dir", data, "incident", "list"]).output.splitlines()
    # was '... Mains down on floor 3, UPS carrying', looking like the whole title
    assert "Mains down on floor 3, UPS carryi…" in line, line
