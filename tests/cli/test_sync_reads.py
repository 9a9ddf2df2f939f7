"""CLI reads use the local database; --sync runs one sync pass first when a share is set."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from command_console.cli import app

runner = CliRunner()


def test_reads_are_local_until_sync_and_sync_on_read_pulls_first(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    for data in (a, b):
        assert (
            runner.invoke(app, ["--data-dir", data, "init", "--sync-dir", str(share)]).exit_code
            == 0
        )
    iid = runner.invoke(app, ["--data-dir", a, "incident", "open", "power-outage"]).output.strip()
    assert runner.invoke(app, ["--data-dir", a, "sync"]).exit_code == 0
    local = runner.invoke(app, ["--data-dir", b, "incident", "list", "--json"])
    assert json.loads(local.stdout) == []
    synced = runner.invoke(app, ["--data-dir", b, "incident", "list", "--json", "--sync"])
    assert synced.exit_code == 0, synced.output
    assert [i["id"] for i in json.loads(synced.stdout)] == [iid]
    assert runner.invoke(app, ["--data-dir", b, "timeline", iid, "--sync"]).exit_code == 0


def test_sync_on_read_without_a_share_says_so_and_reads_locally(tmp_path):
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "incident", "list", "--sync"])
    assert result.exit_code == 0 and "no shared folder set" in result.stderr
