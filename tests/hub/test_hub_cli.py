"""The hub through the CLI, as its administrator and a shift lead use it: `hub init` (one
line, idempotent), `hub grant`, `init --sync-url` (a URL holding a password refused),
the password from PGPASSWORD or a pgpass file, and a hub that is down: `sync` says so in
one line and fails, the console goes on and its status line says so, and everything is
published once the hub is back."""

from __future__ import annotations

import threading

import pytest

from command_console.core.errors import UserError
from command_console.data import actions
from command_console.workspace import Workspace
from tests.hub.conftest import write_pgpass
from tests.hub.hubtools import (
    entries_once,
    hub_counts,
    local_counts,
    new_console,
    open_console,
    prepare_hub,
    run_cli,
    sync_until_ok,
)


def test_hub_init_is_one_line_and_idempotent_and_grant_names_the_consoles(hub_db, tmp_path):
    first = run_cli(tmp_path / "admin", "hub", "init", hub_db.admin_url)
    again = run_cli(tmp_path / "admin", "hub", "init", hub_db.admin_url)
    assert len(first.stdout.splitlines()) == 1 and "schema created" in first.stdout
    assert len(again.stdout.splitlines()) == 1 and "schema at version" in again.stdout
    assert (first.stderr, again.stderr) == ("", "")
    with hub_db.admin() as conn:
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'command_console' AND c.relkind = 'r' AND c.relrowsecurity"
            )
        }
        group = conn.execute(
            "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'command_console_publisher'"
        ).fetchone()
    assert {"ops", "consoles"} <= tables  # row-level security on both
    assert group == (False,)  # NOLOGIN
    role = hub_db.role("lead")
    granted = run_cli(tmp_path / "admin", "hub", "grant", hub_db.admin_url, role, "ab12", "cd34")
    assert granted.stdout.strip().endswith("ab12, cd34") and len(granted.stdout.splitlines()) == 1
    with hub_db.admin() as conn:
        member = conn.execute(
            "SELECT pg_has_role(%s, 'command_console_publisher', 'MEMBER')", (role,)
        ).fetchone()
    assert member == (True,)


def test_hub_commands_fail_in_one_line(hub_db, tmp_path):
    down = run_cli(
        tmp_path / "admin", "hub", "init", "postgresql://nobody@127.0.0.1:1/x", check=False
    )
    bad_id = run_cli(
        tmp_path / "admin", "hub", "grant", hub_db.admin_url, "someone", "NOT AN ID", check=False
    )
    for proc in (down, bad_id):
        assert proc.returncode != 0 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr


def test_a_url_holding_a_password_is_refused_at_init_and_never_stored(tmp_path):
    data = tmp_path / "lead"
    proc = run_cli(
        data, "init", "--sync-url", "postgresql://lead:pa55word@127.0.0.1:5432/hub", check=False
    )
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1 and "password" in proc.stderr, proc.stderr
    assert "pa55word" not in proc.stderr + proc.stdout
    config = data / "config.toml"
    assert not config.exists() or "pa55word" not in config.read_text()
    other = Workspace.open(tmp_path / "other")  # the libpq keyword form, through the API
    with pytest.raises(UserError, match="holds a password"):
        other.initialise(sync_url="postgresql://lead@127.0.0.1/hub?sslmode=disable&password=s3")
    other.close()
    config = tmp_path / "other" / "config.toml"
    assert not config.exists() or "password=s3" not in config.read_text()


def test_the_password_comes_from_a_pgpass_file(hub_db, tmp_path, monkeypatch):
    prepare_hub(hub_db)
    a = new_console(hub_db, tmp_path, "a")
    monkeypatch.delenv("PGPASSWORD")
    refused = run_cli(a.root, "sync", check=False)
    assert refused.returncode == 1 and "no password supplied" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    monkeypatch.setenv(
        "PGPASSFILE", str(write_pgpass(tmp_path / "pgpass", hub_db.cluster, hub_db.dbname, a.role))
    )
    run_cli(a.root, "sync")
    assert hub_counts(hub_db.admin_url)[a.console_id] > 0
    assert "pgpass" not in (a.root / "config.toml").read_text()


def test_hub_down_console_goes_on_and_publishes_everything_when_back(hub_db, tmp_path):
    prepare_hub(hub_db)
    a, b = (new_console(hub_db, tmp_path, name) for name in ("a", "b"))
    (wa, sa), (wb, sb) = open_console(a), open_console(b)
    try:
        incident = actions.open_incident(wa.store, wa.plan("power"))
        assert sa.sync_once(wait=True).hub_ok and sb.sync_once(wait=True).hub_ok
        hub_db.cluster.stop("fast")
        texts = [f"while the hub is down {n}" for n in range(5)]
        for text in texts:
            actions.log(wa.store, incident, text)  # the console keeps working
        cli = {}
        worker = threading.Thread(target=lambda: cli.update(p=run_cli(a.root, "sync", check=False)))
        worker.start()  # the CLI and the console's worker meet the dead hub at once
        down = sa.sync_once(wait=True)
        worker.join()
        assert not down.hub_ok and down.hub_unpublished == 5
        assert sa.status_text().startswith("hub unavailable · 5 unpublished · retrying")
        proc = cli["p"]
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "hub" in proc.stderr and "unavailable" in proc.stdout
        hub_db.cluster.start()
        back = sync_until_ok(sa)  # after the worker's back-off
        assert back.hub_unpublished == 0, back
        assert sa.status_text().startswith("hub ") and "· 0 unpublished" in sa.status_text()
        sync_until_ok(sb)  # its connection died with the hub: reopened
        assert entries_once(wb, texts) == []
        assert local_counts(wa) == local_counts(wb) == hub_counts(hub_db.admin_url)
    finally:
        wa.close()
        wb.close()
