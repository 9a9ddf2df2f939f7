"""The CLI through Typer's CliRunner, on a real data dir."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from command_console.cli import app

runner = CliRunner()


@pytest.fixture
def cli(tmp_path):
    data = tmp_path / "data"

    def run(*args: str):
        return runner.invoke(app, ["--data-dir", str(data), *args])

    return run


def test_first_use_creates_private_data_dir_with_config_roster_and_shift(cli, tmp_path):
    result = cli("init", "--site-name", "Hotline 热线", "--time-zone", "Asia/Shanghai")
    assert result.exit_code == 0, result.output
    config = (tmp_path / "data" / "config.toml").read_text()
    assert 'site_name = "Hotline 热线"' in config and 'fire = "119"' in config
    contacts = json.loads(cli("contacts", "list", "--json").output)
    assert len(contacts["contacts"]) >= 12 and contacts["emergency_numbers"]["police"] == "110"


def test_open_log_step_report_timeline_round_trip(cli):
    opened = cli(
        "incident",
        "open",
        "power",
        "--severity",
        "major",
        "--title",
        "Floor 3 dark",
        "--started-at",
        "10m ago",
    )
    assert opened.exit_code == 0, opened.output
    iid = opened.output.strip()
    assert cli("log", iid.split("-")[0], "Generator running").exit_code == 0
    assert cli("step", iid, "phone-superior", "done", "--note", "Called Li").exit_code == 0
    assert cli("step", iid, "2", "skip", "--note", "No UPS here").exit_code == 0
    listed = json.loads(cli("incident", "list", "--json").output)
    assert (
        listed[0]["id"] == iid
        and listed[0]["severity"] == "major"
        and listed[0]["title"] == "Floor 3 dark"
    )
    states = {s["id"]: s["state"] for s in listed[0]["steps"]}
    assert states["phone-superior"] == "done" and list(states.values())[1] == "skipped"
    texts = [e["text"] for e in json.loads(cli("timeline", iid, "--json").output)]
    assert "Generator running" in texts and any("Called Li" in t for t in texts)


def test_report_check_lists_missing_fields_until_complete(cli):
    iid = cli("incident", "open", "system-failure").output.strip()
    check = cli("report", "check", iid)
    assert check.exit_code == 1 and "site: Site name and location is missing" in check.output
    values = {
        "site": "Hall A, 3F",
        "occurred_at": "2026-11-22 14:05",
        "type": "system fault",
        "impact": "CRM down for 40 agents",
        "measures": "Manual call notes, IT informed",
        "trend": "Recovery expected within 1 h",
        "other": "none",
    }
    for field, value in values.items():
        assert cli("report", "set", iid, field, value).exit_code == 0
    assert cli("report", "check", iid).exit_code == 0
    assert cli("report", "complete", iid).exit_code == 0
    shown = json.loads(cli("report", "show", iid, "--json").output)
    assert shown["status"] == "complete" and shown["fields"]["impact"] == "CRM down for 40 agents"


@pytest.mark.parametrize(
    "args, message",
    [
        (("incident", "open", "powr"), "unknown plan 'powr'; did you mean power-outage?"),
        (
            ("incident", "open", "power", "--severity", "huge"),
            "severity 'huge' is not one of general, serious, major, critical",
        ),
        (
            ("incident", "open", "power", "--started-at", "yesterday-ish"),
            "--started-at 'yesterday-ish' is not a time",
        ),
        (("log", "nope", "text"), "unknown incident 'nope'"),
        (("report", "set", "1", "colour", "red"), "unknown report field 'colour'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(cli, args, message):
    cli("incident", "open", "power-outage")
    before = cli("timeline", "1", "--json").output
    result = cli(*args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {message}"] or message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert cli("timeline", "1", "--json").output == before


def test_unknown_step_suggests_close_matches(cli):
    iid = cli("incident", "open", "power-outage").output.strip()
    result = cli("step", iid, "phone-superio", "done")
    assert result.exit_code == 0  # unique prefix
    result = cli("step", iid, "phon-sup", "done")
    assert result.exit_code == 2 and "did you mean" in result.output


def test_overlong_log_entry_is_refused_with_the_limit(cli):
    iid = cli("incident", "open", "power-outage").output.strip()
    result = cli("log", iid, "x" * 2001)
    assert result.exit_code == 2 and "the limit is 2000" in result.output


def test_plans_check_reports_every_problem(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'id = "bad"\ntitle = "Bad"\ncategory = "system"\nseverity = "serious"\nextra = 1\n'
        '[[steps]]\nid = "a"\ntext = "x"\ndeadline = "5 min"\n[[steps]]\nid = "a"\ntext = "y"\n'
    )
    result = cli("plans", "check", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:5:1: unknown key 'extra'" in result.output
    assert f"{bad}:9:1: step 1: bad duration '5 min'" in result.output
    assert f"{bad}:11:1: step 2: duplicate step id 'a'" in result.output
    assert cli("plans", "check").exit_code == 0


def test_plans_list_and_show(cli):
    plans = json.loads(cli("plans", "list", "--json").output)
    assert len(plans) >= 12
    shown = cli("plans", "show", "power-outage")
    assert shown.exit_code == 0 and "by +5m" in shown.output and "escalate" in shown.output


def test_contacts_import_csv_and_toml(cli, tmp_path):
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text(
        "name,roles,phones,notes,on_duty\nZhang Wei 张伟,it:1;network:2,+86 1;+86 2,night,yes\n",
        encoding="utf-8",
    )
    result = cli("contacts", "import", str(csv_file))
    assert result.exit_code == 0 and "1 added or changed" in result.output
    assert cli("contacts", "import", str(csv_file)).output.strip().endswith("0 added or changed")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,roles\nX,wizard:1\n")
    result = cli("contacts", "import", str(bad))
    assert result.exit_code == 2 and f"{bad}:2: unknown role 'wizard'" in result.output
    it = json.loads(cli("contacts", "list", "--role", "it", "--json").output)["contacts"]
    assert it[0]["roles"]["it"] == 1


def test_corrupt_database_is_refused_not_overwritten(cli, tmp_path):
    cli("init")
    db = tmp_path / "data" / "console.db"
    db.write_bytes(b"garbage" * 1000)
    result = cli("incident", "list")
    assert result.exit_code == 3 and "refusing" in result.output
    assert db.read_bytes() == b"garbage" * 1000


def test_demo_fills_a_separate_sandbox(cli, tmp_path):
    result = cli("demo", "--sandbox", str(tmp_path / "sandbox"))
    assert result.exit_code == 0, result.output
    listed = runner.invoke(
        app, ["--data-dir", str(tmp_path / "sandbox"), "incident", "list", "--all", "--json"]
    )
    assert len(json.loads(listed.output)) == 4
    assert not (tmp_path / "data" / "console.db").exists()
