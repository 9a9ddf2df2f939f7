"""CLI on a real data dir with the fake clock of the test (Workspace.open takes it)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from command_console.cli import app
from command_console.workspace import Workspace

runner = CliRunner()


@pytest.fixture
def cli(tmp_path, clock, monkeypatch):
    """run(*args) -> result; run.json(*args) -> the parsed --json output. Every command
    sees the test's FakeClock, so deadlines pass by clock.advance(), never by sleeping."""
    data = tmp_path / "data"
    opened = Workspace.open.__func__
    monkeypatch.setattr(
        Workspace,
        "open",
        classmethod(lambda cls, data_dir=None, clock_=None: opened(cls, data_dir, clock)),
    )

    def run(*args: str, ok: bool = True):
        result = runner.invoke(app, ["--data-dir", str(data), *args])
        if ok:
            assert result.exit_code == 0, (args, result.output)
        return result

    def run_json(*args: str):
        return json.loads(run(*args, "--json").output)

    run.json = run_json
    run.data = data
    return run
