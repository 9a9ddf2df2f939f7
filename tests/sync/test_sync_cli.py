"""`sync`, `sync --watch` and `verify` as real processes: exit codes and one-line messages."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from command_console.data import actions
from command_console.data.sync import Syncer
from command_console.workspace import Workspace
from tests.sync.conftest import CLI, entry_texts, run_cli


def test_sync_without_a_shared_folder_says_how_to_set_one(tmp_path):
    proc = run_cli(tmp_path / "a", "sync", check=False)
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == "error: sync is off: set a shared folder with `command-console init --sync-dir DIR` "
        "or a hub with `--sync-url postgresql://...`"
    )


def test_sync_reports_bad_files_and_a_missing_share_in_one_line_each(tmp_path, share):
    a = Workspace.open(tmp_path / "a")
    a.initialise(sync_dir=str(share))
    Syncer(a).sync_once()
    bad = share / a.config.console_id / "0000000900-0000000901-0123abcd.seg"
    bad.write_bytes(b"garbage")
    a.close()
    b = tmp_path / "b"
    run_cli(b, "init", "--sync-dir", str(share))
    proc = run_cli(b, "sync")
    assert f"sync: {bad}: not a Command Console segment (bad magic)" in proc.stderr.splitlines()
    assert proc.stdout.startswith("published ") and "0 unpublished" in proc.stdout
    share.rename(tmp_path / "gone")
    proc = run_cli(b, "sync", check=False)
    assert (
        proc.returncode == 1
        and "share unavailable" in proc.stdout
        and "Traceback" not in proc.stderr
    )


def test_verify_exits_non_zero_on_tampering(tmp_path, share):
    a = Workspace.open(tmp_path / "a")
    a.initialise(sync_dir=str(share))
    incident = actions.open_incident(a.store, a.plan("power"))
    actions.log(a.store, incident, "original words")
    Syncer(a).sync_once()
    with a.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE ops SET payload = replace(payload, 'original', 'changed')")
    a.close()
    proc = run_cli(tmp_path / "a", "verify", check=False)
    assert proc.returncode == 1
    assert (
        "hash does not match content" in proc.stderr
        and "differs from the local copy" in proc.stderr
    )


def test_sync_watch_publishes_a_change_and_stops_on_interrupt(tmp_path, share):
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a = Workspace.open(a_dir)
    a.initialise(sync_dir=str(share))
    incident = actions.open_incident(a.store, a.plan("power"))
    b = Workspace.open(b_dir)
    b.initialise(sync_dir=str(share))
    syncer_b = Syncer(b)
    watch = subprocess.Popen(
        [*CLI, "--data-dir", str(a_dir), "sync", "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        actions.log(a.store, incident, "seen through the watcher")
        deadline = time.monotonic() + 30
        while (
            "seen through the watcher" not in entry_texts(b.store) and time.monotonic() < deadline
        ):
            syncer_b.sync_once()
            time.sleep(0.1)
        assert "seen through the watcher" in entry_texts(b.store)
    finally:
        watch.send_signal(signal.SIGINT)
        out, err = watch.communicate(timeout=30)
        a.close()
        b.close()
    assert watch.returncode == 0, err
    assert "0 unpublished" in out
