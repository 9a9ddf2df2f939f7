"""kill -9 while logging, autosaving report drafts, setting report fields, publishing and
applying (tests/sync/fault_loop.py, real processes), and two processes writing into one
shared data directory at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from command_console.workspace import Workspace
from tests.sync.conftest import entry_texts

LOOP = Path(__file__).with_name("fault_loop.py")


def _fault_loop(cycles: int, tmp_path) -> str:
    proc = subprocess.run(
        [sys.executable, str(LOOP), "--cycles", str(cycles), "--keep", str(tmp_path / "loop")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


SUMMARY = re.compile(
    r"(?P<cycles>\d+) cycles, (?P<kills>\d+) kill -9 \((?P<phases>[^)]*)\); "
    r"acknowledged (?P<entries>\d+) entries, (?P<reports>\d+) report fields, (?P<drafts>\d+) drafts; "
    r"lost (?P<lost>\d+), duplicated (?P<duplicated>\d+), integrity_check (?P<integrity>\S+), "
    r"problems (?P<problems>\d+);"
)


def _summary(out: str) -> tuple[dict, dict]:
    found = SUMMARY.search(out)
    assert found, out
    phases = {
        name: int(count) for name, count in (p.rsplit(" ", 1) for p in found["phases"].split(", "))
    }
    return found.groupdict(), phases


def _verdict(figures: dict) -> tuple[str, ...]:
    return figures["lost"], figures["duplicated"], figures["integrity"], figures["problems"]


def test_kill9_while_logging_autosaving_publishing_applying_loses_nothing_acknowledged(tmp_path):
    out = _fault_loop(30, tmp_path)
    figures, phases = _summary(out)
    assert int(figures["kills"]) == 60 == sum(phases.values()), out
    assert all(int(figures[k]) > 0 for k in ("entries", "reports", "drafts")), out
    assert all(phases[p] > 0 for p in ("log", "autosave", "report", "publish", "apply")), out
    assert _verdict(figures) == ("0", "0", "ok", "0"), out


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("CC_SLOW"), reason="long kill -9 loop: set CC_SLOW=1")
def test_kill9_long(tmp_path):
    figures, _ = _summary(_fault_loop(300, tmp_path))
    assert _verdict(figures) == ("0", "0", "ok", "0")


WRITER = """
import sys
from command_console.workspace import Workspace
from command_console.data import actions, queries
from command_console.data.sync import Syncer
ws = Workspace.open(sys.argv[1])
incident = queries.list_incidents(ws.store)[0].id
syncer = Syncer(ws)
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
for n in range(150):
    actions.log(ws.store, incident, f"{sys.argv[2]} {n}")
    if n % 25 == 0:
        assert syncer.sync_once(wait=True).share_ok
print("done")
"""


def test_two_processes_share_one_data_directory(tmp_path, share):
    data = tmp_path / "one"
    workspace = Workspace.open(data)
    workspace.initialise(sync_dir=str(share))
    from command_console.data import actions

    actions.open_incident(workspace.store, workspace.plan("power"))
    workspace.close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data), who],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("left", "right")
    ]
    for proc in procs:
        assert proc.stdout.readline() == "ready\n"
    for proc in procs:  # start both at once
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outs = [proc.communicate(timeout=120) for proc in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-500:] for o in outs]
    workspace = Workspace.open(data)
    try:
        texts = entry_texts(workspace.store)
        for who in ("left", "right"):
            assert sorted(t for t in texts if t.startswith(who + " ")) == sorted(
                f"{who} {n}" for n in range(150)
            )
        assert workspace.store.integrity_check() == "ok"
        from command_console.data.sync import Syncer

        assert Syncer(workspace).sync_once(wait=True).published > 0  # the writers' last entries
        other = Workspace.open(tmp_path / "other")
        Syncer(other, share).sync_once(wait=True)
        assert (
            len([t for t in entry_texts(other.store) if t.startswith(("left ", "right "))]) == 300
        )
        other.close()
    finally:
        workspace.close()
