"""The CLI for fixing a mistaken incident (issue #14 item 8): incident plan, incident cancel,
amend. CliRunner on a real data dir."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from command_console.cli import app

runner = CliRunner()


@pytest.fixture
def cli(tmp_path):
    data = tmp_path / "data"

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, ["--data-dir", str(data), *args])
        assert result.exit_code == code, result.output
        return result.output

    run("init", "--lead-name", "Li Wei", "--time-zone", "Asia/Shanghai")
    return run


def test_change_plan_cancel_and_amend_from_the_cli(cli, db_state, tmp_path):
    incident = cli("incident", "open", "power-outage").strip()
    cli("log", incident, "caller says hall B")
    cli("log", incident, "wrong line")
    assert "corrected" in cli("amend", incident, "2", "caller says hall A", "--reason", "misheard")
    assert "retracted" in cli("amend", incident, "last", "--retract", "--reason", "wrong incident")
    assert "now follows plan fire-alarm" in cli("incident", "plan", incident, "fire")
    listed = json.loads(cli("incident", "list", "--json"))
    assert listed[0]["plan_id"] == "fire-alarm"
    timeline = cli("timeline", incident)
    assert "caller says hall A [corrected by Li Wei at" in timeline
    assert "was: caller says hall B]" in timeline
    assert "[retracted by Li Wei at" in timeline and "wrong incident] wrong line" in timeline
    assert "Plan changed from Power outage to Alarm / fire by Li Wei" in timeline
    entries = json.loads(cli("timeline", incident, "--json"))
    fixed = next(e for e in entries if e["text"] == "caller says hall B")
    assert fixed["amendment"]["text"] == "caller says hall A"

    before = db_state(tmp_path / "data" / "console.db")
    assert "reason" in cli("incident", "cancel", incident, code=2)  # a reason is required
    assert "status" in cli("incident", "set", incident, "status", "cancelled", code=2)
    assert db_state(tmp_path / "data" / "console.db") == before
    assert "cancelled" in cli("incident", "cancel", incident, "--reason", "duplicate")
    assert json.loads(cli("incident", "list", "--json")) == []
    assert "Cancelled by Li Wei (was active): duplicate" in cli("timeline", incident)


def test_amend_names_what_is_wrong_in_one_line(cli, db_state, tmp_path):
    incident = cli("incident", "open", "power-outage").strip()
    before = db_state(tmp_path / "data" / "console.db")
    assert "has no log entry to correct" in cli(
        "amend", incident, "last", "x", "--reason", "y", code=2
    )
    cli("log", incident, "one note")
    before = db_state(tmp_path / "data" / "console.db")
    out = cli("amend", incident, "5", "x", "--reason", "y", code=2)
    assert out.count("\n") == 1 and "1 log entry" in out
    assert "not both" in cli("amend", incident, "1", "x", "--retract", "--reason", "y", code=2)
    assert "reason" in cli("amend", incident, "1", "x", code=2)
    assert db_state(tmp_path / "data" / "console.db") == before
