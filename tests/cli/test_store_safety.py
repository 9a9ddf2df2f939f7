"""Issue #12: the database is checked on open and never written when damaged; backups;
disk full, a read-only data dir and a lock held too long are one line and change nothing."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from command_console.cli import app
from command_console.data.engine import APPLICATION_ID

runner = CliRunner()


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def cli(data):
    def run(*args: str):
        return runner.invoke(app, ["--data-dir", str(data), *args])

    return run


def one_line(result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output
    ), result.output
    return lines[0]


def damage_pages(db) -> None:
    """Overwrite pages in the middle of the file (the header and schema stay readable)."""
    size = db.stat().st_size
    with open(db, "r+b") as handle:
        for offset in range(4096 * 3, size - 4096, 4096 * 2):
            handle.seek(offset + 100)
            handle.write(b"\xde\xad\xbe\xef" * 200)


@pytest.fixture
def filled(cli, data):
    iid = cli("incident", "open", "power-outage").output.strip()
    for n in range(5):
        cli("log", iid, f"entry {n} " + "x" * 200)
    conn = sqlite3.connect(data / "console.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return iid


@pytest.mark.parametrize(
    "command",
    [
        ("log", "1", "text"),
        ("incident", "list"),
        ("export", "--out", "-"),
        ("timeline", "1"),
        ("backup", "copy.db"),
    ],
)
def test_a_database_with_damaged_pages_is_refused_with_exit_3_and_not_written(
    cli, data, filled, command, tmp_path
):
    db = data / "console.db"
    ids = [
        r[0]
        for r in sqlite3.connect(db).execute(
            "SELECT rootpage FROM sqlite_master WHERE rootpage > 1"
        )
    ]
    assert ids
    damage_pages(db)
    before = db.read_bytes()
    os.chdir(tmp_path)
    line = one_line(cli(*command), 3)
    assert "damaged" in line and "verify" in line and "backup" in line
    assert db.read_bytes() == before
    assert not (tmp_path / "copy.db").exists()


def test_new_databases_carry_the_application_id_and_old_ones_get_it(cli, data):
    cli("init")
    db = data / "console.db"
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 0")  # as written before the id existed
    conn.close()
    assert cli("incident", "list").exit_code == 0
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_foreign_application_id_is_refused(cli, data):
    cli("init")
    conn = sqlite3.connect(data / "console.db")
    conn.execute("PRAGMA application_id = 1234")
    conn.close()
    assert "not a Command Console database" in one_line(cli("incident", "list"), 3)


def test_a_non_integer_schema_version_is_one_line(cli, data):
    cli("init")
    conn = sqlite3.connect(data / "console.db")
    conn.execute("UPDATE meta SET value = 'two' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    assert "schema_version 'two'" in one_line(cli("incident", "list"), 3)


def test_backup_copies_with_the_backup_api_and_never_replaces(cli, data, tmp_path, filled):
    target = tmp_path / "backup.db"
    result = cli("backup", str(target))
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (
        copy.execute("SELECT count(*) FROM ops").fetchone()[0]
        == sqlite3.connect(data / "console.db").execute("SELECT count(*) FROM ops").fetchone()[0]
    )
    copy.close()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert "--force" in one_line(cli("backup", str(target)), 2)
    assert cli("backup", str(target), "--force").exit_code == 0
    assert "inside the data dir" in one_line(cli("backup", str(data / "console.db"), "--force"), 2)


def test_a_read_only_data_dir_is_one_line_and_nothing_changes(cli, data, db_state):
    if os.geteuid() == 0:
        pytest.skip("root writes through file modes; the disk-full test covers the write path")
    iid = cli("incident", "open", "power-outage").output.strip()
    before = db_state(data / "console.db")
    os.chmod(data, 0o500)
    os.chmod(data / "console.db", 0o400)
    try:
        line = one_line(cli("log", iid, "while read-only"), 4)
        assert "nothing was changed" in line
    finally:
        os.chmod(data, 0o700)
        os.chmod(data / "console.db", 0o600)
    assert db_state(data / "console.db") == before


def test_a_read_only_mount_is_one_line_and_nothing_changes(tmp_path, db_state):
    """A real read-only file system (a bind mount remounted ro) when this runs as root."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount")
    data, mount = tmp_path / "data", tmp_path / "ro"
    assert (
        runner.invoke(app, ["--data-dir", str(data), "incident", "open", "power-outage"]).exit_code
        == 0
    )
    mount.mkdir()
    if (
        subprocess.run(["mount", "--bind", str(data), str(mount)], capture_output=True).returncode
        != 0
    ):
        pytest.skip("mount not permitted here")
    try:
        if (
            subprocess.run(
                ["mount", "-o", "remount,bind,ro", str(mount)], capture_output=True
            ).returncode
            != 0
        ):
            pytest.skip("remount read-only not permitted here")
        before = db_state(data / "console.db")
        result = subprocess.run(
            [sys.executable, "-m", "command_console", "--data-dir", str(mount), "log", "1", "x"],
            capture_output=True,
            text=True,
        )
        assert result.returncode in (3, 4), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, (
            result.stderr
        )
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)
    assert db_state(data / "console.db") == before


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # any growth of any file fails: "disk full"
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_disk_full_during_log_is_one_line_and_nothing_half_written(data, db_state):
    assert (
        runner.invoke(app, ["--data-dir", str(data), "incident", "open", "power-outage"]).exit_code
        == 0
    )
    conn = sqlite3.connect(data / "console.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db_state(data / "console.db")
    long_text = "generator failed " * 100
    result = subprocess.run(
        [sys.executable, "-m", "command_console", "--data-dir", str(data), "log", "1", long_text],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
    )
    assert result.returncode == 4, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert db_state(data / "console.db") == before
    again = runner.invoke(app, ["--data-dir", str(data), "log", "1", long_text])
    assert again.exit_code == 0, again.output


def test_a_lock_held_too_long_is_one_line(data, db_state):
    assert (
        runner.invoke(app, ["--data-dir", str(data), "incident", "open", "power-outage"]).exit_code
        == 0
    )
    before = db_state(data / "console.db")
    holder = sqlite3.connect(data / "console.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        env = {**os.environ, "COMMAND_CONSOLE_BUSY_TIMEOUT_MS": "300"}
        result = subprocess.run(
            [sys.executable, "-m", "command_console", "--data-dir", str(data), "log", "1", "x"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode in (3, 4), result.stderr
    assert "locked" in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert db_state(data / "console.db") == before


@pytest.mark.parametrize("checkpointed", [True, False])
def test_disk_full_during_export_is_one_line_and_leaves_no_file(data, tmp_path, checkpointed):
    """Without a checkpoint the read-only open itself needs space: still exit 4, not 'damaged'."""
    assert (
        runner.invoke(app, ["--data-dir", str(data), "incident", "open", "power-outage"]).exit_code
        == 0
    )
    if not checkpointed:
        (data / "console.db-shm").unlink(missing_ok=True)
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "command_console",
            "--data-dir",
            str(data),
            "export",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
    )
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, (
        result.stderr
    )
    assert list(out.iterdir()) == []
