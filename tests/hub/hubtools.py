"""Helpers of the hub tests: consoles whose sync target is a real PostgreSQL hub, the
ledger checks of the folder tests held against every console and the hub itself."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from command_console.core.clock import SystemClock
from command_console.data.sync import Syncer
from command_console.data.sync.hub_admin import hub_grant, hub_init
from command_console.data.sync.verify import verify
from command_console.workspace import Workspace
from tests.sync.conftest import CLI, entry_texts, run_cli

__all__ = ["CLI", "entry_texts", "run_cli"]


@dataclass
class Console:
    name: str
    root: Path
    console_id: str
    role: str


def prepare_hub(hub_db) -> None:
    hub_init(hub_db.admin_url)


def new_console(
    hub_db, tmp_path: Path, name: str, url_for: Callable[[str], str] | None = None, cli=False
) -> Console:
    """A data dir whose sync target is the hub, through its own login role (granted its own
    console id only). url_for(role) gives another URL than the role's plain one (multi-host);
    cli: set up through `command-console init` as a user would."""
    role = hub_db.role(name)
    root = tmp_path / name
    url = url_for(role) if url_for else hub_db.url(role)
    if cli:
        run_cli(root, "init", "--sync-url", url)
        workspace = Workspace.open(root)
        console_id = workspace.config.console_id
        workspace.close()
    else:
        workspace = Workspace.open(root, SystemClock())
        console_id = workspace.initialise(sync_url=url).console_id
        workspace.close()
    hub_grant(hub_db.admin_url, role, [console_id])
    return Console(name, root, console_id, role)


def open_console(console: Console) -> tuple[Workspace, Syncer]:
    workspace = Workspace.open(console.root, SystemClock())
    return workspace, Syncer(workspace)


def sync_until_ok(syncer: Syncer, timeout: float = 30.0):
    """sync_once until the hub answered (after a failure the Syncer waits its back-off)."""
    deadline = time.monotonic() + timeout
    while True:
        result = syncer.sync_once(wait=True)
        if result.hub_ok:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"hub still unavailable: {result.problems}")
        time.sleep(0.2)


def hub_counts(url: str) -> Counter:
    """Rows per console in the hub (read with the admin URL)."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT console_id, count(*) FROM command_console.ops GROUP BY console_id"
        ).fetchall()
    return Counter({console: int(count) for console, count in rows})


def local_counts(workspace: Workspace) -> Counter:
    rows = workspace.store.rows("SELECT console_id, count(*) FROM ops GROUP BY console_id")
    return Counter({console: int(count) for console, count in rows})


def entries_once(workspace: Workspace, texts: list[str]) -> list[str]:
    """The acknowledged entry texts that are not present exactly once (lost or duplicated)."""
    found = Counter(entry_texts(workspace.store))
    return [f"{text} x{found[text]}" for text in texts if found[text] != 1]


def converged(workspaces: list[Workspace], hub_url: str) -> None:
    """Every console holds the same ops and tables as the others and as the hub; chains whole."""
    hub = hub_counts(hub_url)
    for workspace in workspaces:
        assert local_counts(workspace) == hub, workspace.config.console_id
        assert verify(workspace.store, None)[1] == []
        assert workspace.store.integrity_check() == "ok"
    digests = [w.store.table_digest() for w in workspaces]
    assert all(d == digests[0] for d in digests[1:])


def cli_sync(root: Path) -> subprocess.Popen:
    """`command-console sync` as a real process (for kill -9)."""
    return subprocess.Popen(
        [*CLI, "--data-dir", str(root), "sync"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# Probes of when_busy, each a query whose first column is true at the moment sought.
WRITING = """
SELECT count(*) FROM pg_stat_activity
WHERE usename = %s AND backend_xid IS NOT NULL
"""  # (role): its transaction holds an xid: rows inserted, not committed
CONNECTED = "SELECT count(*) FROM pg_stat_activity WHERE usename = %s"  # (role): a pass under way
COMMITTED = """
SELECT count(*) > %s FROM command_console.ops WHERE console_id = %s
"""  # (rows before, console): a batch committed; the console has not yet noted it


def when_busy(admin_url: str, params: tuple, proc: subprocess.Popen, probe: str, act) -> bool:
    """Poll the hub until `probe` (with params) says the moment has come while `proc` runs,
    then act(); returns whether the moment was caught before the process finished (if not,
    act() is not called)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        while proc.poll() is None:
            row = conn.execute(probe, params).fetchone()  # type: ignore[arg-type]
            if row and row[0]:
                act()
                return True
            time.sleep(0.002)  # leave the CPU to the process watched
    return False
