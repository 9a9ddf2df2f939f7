"""The board over the PostgreSQL hub (a real server, tests/hub/pg_server.py): two consoles
at one site publish through the hub; `board --once --sync` on one of them (a real process)
pulls the other's operations and shows both leads under the site and the other's incident."""

from __future__ import annotations

from command_console.data import actions
from tests.board.test_board_cli import board_once
from tests.hub.conftest import hub_db, pg, pg_cluster  # noqa: F401  (the hub fixtures)
from tests.hub.hubtools import new_console, open_console, prepare_hub, sync_until_ok


def test_board_once_shows_a_console_that_publishes_through_the_hub(hub_db, tmp_path):  # noqa: F811
    prepare_hub(hub_db)
    a, b = new_console(hub_db, tmp_path, "a"), new_console(hub_db, tmp_path, "b")
    workspace, syncer = open_console(b)
    try:
        incident = actions.open_incident(
            workspace.store, workspace.plan("power-outage"), title="Power out in hall B"
        )
        sync_until_ok(syncer)
    finally:
        workspace.close()
    done = board_once(a.root, columns=120, after=("--sync",))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("1 site · 1 open incident")
    assert lines[2] == "Customer Service Centre"  # config.toml's default site, on both
    assert f"({a.console_id}, since" in lines[3] and f"({b.console_id}, since" in lines[3]
    assert any(line.endswith(f"{incident} Power out in hall B") for line in lines)
