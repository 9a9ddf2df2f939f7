"""Helpers for sync tests: real data dirs, a real shared folder, the CLI as subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from command_console.core.clock import SystemClock
from command_console.data.sync import Syncer
from command_console.workspace import Workspace

CLI = [sys.executable, "-m", "command_console"]


def run_cli(
    data_dir: Path, *args: str, check: bool = True, timeout: float = 60
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("COMMAND_CONSOLE_HOME", None)
    proc = subprocess.run(
        [*CLI, "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc


def run_cli_in_process(
    data_dir: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess:
    """The same command line as run_cli, run in this process (typer's CliRunner): what a
    command prints and its exit code, without a second or more of interpreter start-up
    per call. An exception the CLI lets escape shows as a traceback in stderr, exit 1, as
    it would from a real process, and the database the command opened is closed after it,
    as at a process's exit. Tests that need a process of their own (kill -9, a command
    that must not block, consoles working at the same time) keep run_cli."""
    import traceback

    from typer.testing import CliRunner

    from command_console.cli import State, app

    argv = ["--data-dir", str(data_dir), *args]
    try:
        got = CliRunner().invoke(app, argv, env={"COMMAND_CONSOLE_HOME": None})
    finally:
        State.reset(None)  # the command's workspace closes, as at a process's exit
    stderr = got.stderr
    if got.exception is not None and not isinstance(got.exception, SystemExit):
        stderr += "Traceback (most recent call last):\n" + "".join(
            traceback.format_exception(got.exception)
        )
    proc = subprocess.CompletedProcess([*CLI, *argv], got.exit_code, got.stdout, stderr)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc


@pytest.fixture
def share(tmp_path) -> Path:
    path = tmp_path / "share"
    path.mkdir()
    return path


@pytest.fixture
def consoles(tmp_path, share):
    """make(name) -> (workspace, syncer) with a data dir of its own and the shared folder.

    The system clock by default: segment files carry real mtimes, and a fake clock hours
    away from them would (rightly) be reported as clock skew.
    """
    opened = []

    def make(name: str, clock_=None, share_dir=None):
        workspace = Workspace.open(tmp_path / name, clock_ or SystemClock())
        syncer = Syncer(workspace, share if share_dir is None else share_dir)
        opened.append(workspace)
        return workspace, syncer

    yield make
    for workspace in opened:
        workspace.close()


def entry_texts(store) -> list[str]:
    from sqlalchemy import select

    from command_console.data.schema import EntryRow

    with store.read() as conn:
        return [r.text for r in conn.execute(select(EntryRow.__table__.c.text))]


def sync_all(syncers, rounds: int = 2) -> None:
    for _ in range(rounds):
        for syncer in syncers:
            result = syncer.sync_once(wait=True)
            assert result.share_ok, result.share_state
