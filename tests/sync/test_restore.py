"""restore --from-share: a console whose database is lost gets its own operations back from the share."""

from __future__ import annotations

from command_console.data import actions
from tests.sync.conftest import entry_texts, sync_all
from tests.sync.conftest import run_cli_in_process as run_cli


def test_a_lost_database_is_rebuilt_from_the_share(consoles, share, tmp_path):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    incident = actions.open_incident(a.store, a.plan("power"))
    for n in range(30):
        actions.log(a.store, incident, f"a line {n}")
    actions.log(b.store, incident, "b line")
    sync_all([sa, sb])
    before = a.store.table_digest()
    a.close()
    run_cli(tmp_path / "a", "init", "--sync-dir", str(share))
    database = tmp_path / "a" / "console.db"
    database.write_bytes(b"this is not a database any more")
    refused = run_cli(tmp_path / "a", "incident", "list", check=False)
    assert refused.returncode == 3
    restored = run_cli(tmp_path / "a", "restore", "--from-share")
    assert "moved aside" in restored.stdout and "restored" in restored.stdout
    assert list((tmp_path / "a").glob("console.db.before-restore-*"))  # never deleted
    listed = run_cli(tmp_path / "a", "timeline", incident).stdout
    assert "a line 29" in listed and "b line" in listed
    from command_console.workspace import Workspace

    again = Workspace.open(tmp_path / "a")
    assert again.store.table_digest() == before
    assert sorted(entry_texts(again.store)) == sorted(entry_texts(b.store))
    again.close()


def test_restore_says_where_from(consoles, share, tmp_path):
    consoles("a")
    proc = run_cli(tmp_path / "a", "restore", check=False)
    assert proc.returncode == 2 and "--from-share" in proc.stderr and "Traceback" not in proc.stderr
