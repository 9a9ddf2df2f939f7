"""kill -9 while writing and publishing (tests/sync/fault_loop.py, real processes), and two
processes writing into one shared data directory at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.sync.conftest import entry_texts

from command_console.workspace import Workspace

LOOP = Path(__file__).with_name("fault_loop.py")


def _fault_loop(cycles: int, tmp_path) -> str:
    proc = subprocess.run([sys.executable, str(LOOP), "--cycles", str(cycles), "--keep", str(tmp_path / "loop")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_kill9_while_writing_and_publishing_loses_nothing_acknowledged(tmp_path):
    out = _fault_loop(30, tmp_path)
    counts = re.search(r"(\d+) kill -9, (\d+) acknowledged entries.*missing (\d+), doubled (\d+), problems (\d+)", out)
    assert counts, out
    kills, acked, missing, doubled, problems = map(int, counts.groups())
    assert kills == 60 and acked > 0 and (missing, doubled, problems) == (0, 0, 0), out


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("CC_SLOW"), reason="long kill -9 loop: set CC_SLOW=1")
def test_kill9_long(tmp_path):
    assert "missing 0, doubled 0, problems 0" in _fault_loop(300, tmp_path)


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
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(data), who], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for who in ("left", "right")]
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
            assert sorted(t for t in texts if t.startswith(who + " ")) == sorted(f"{who} {n}" for n in range(150))
        assert workspace.store.integrity_check() == "ok"
        from command_console.data.sync import Syncer

        assert Syncer(workspace).sync_once(wait=True).published > 0  # the writers' last entries
        other = Workspace.open(tmp_path / "other")
        Syncer(other, share).sync_once(wait=True)
        assert len([t for t in entry_texts(other.store) if t.startswith(("left ", "right "))]) == 300
        other.close()
    finally:
        workspace.close()
