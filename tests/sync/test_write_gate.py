"""The write gate (data/write_gate.py): sync's write transactions go ahead of a writer that
commits back to back, on real SQLite files and a real second process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

from command_console.data import actions, write_gate
from command_console.workspace import Workspace

WRITER = textwrap.dedent(
    """
    import sys
    from command_console.workspace import Workspace
    store = Workspace.open(sys.argv[1]).store
    incident = sys.argv[2]
    print("ready", flush=True)
    n = 0
    while True:  # one op per durable transaction, back to back, until killed
        store.append("entry.add", {"incident_id": incident, "kind": "note", "text": f"w{n}"})
        n += 1
    """
)


def _count(store, incident: str) -> int:
    return store.scalar("SELECT count(*) FROM entries WHERE incident_id = ?", incident)


def test_a_writer_committing_back_to_back_lets_sync_in_after_its_current_transaction(tmp_path):
    workspace = Workspace.open(tmp_path / "data")
    store = workspace.store
    incident = actions.open_incident(store, workspace.plan("power"))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "data"), incident],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline() == "ready\n"
        slipped, seen = [], [_count(store, incident)]
        for _ in range(15):
            with store.gate.priority(), store.gate.held():
                before = _count(store, incident)  # the gate is ours: the writer stops next turn
                with store.transaction() as conn:
                    inside = conn.execute(
                        "SELECT count(*) FROM entries WHERE incident_id = ?", (incident,)
                    ).fetchone()[0]
            slipped.append(inside - before)
            while _count(store, incident) == seen[-1]:  # the writer goes on between our turns
                pass
            seen.append(_count(store, incident))
    finally:
        writer.kill()
        writer.wait()
        workspace.close()
    # at most the transaction under way when we took the gate (or the one that had just
    # passed its turn) commits before ours; without the gate the writer keeps the lock
    # for many commits while SQLite's waiter sleeps
    assert max(slipped) <= 1, slipped
    assert seen == sorted(set(seen)) and len(seen) == 16


def test_a_writer_waits_for_a_stuck_gate_only_so_long(tmp_path, monkeypatch):
    monkeypatch.setattr(write_gate, "MAX_WAIT_S", 0.2)
    workspace = Workspace.open(tmp_path / "data")
    store = workspace.store
    incident = actions.open_incident(store, workspace.plan("power"))
    taken, release = threading.Event(), threading.Event()

    def hold_the_gate() -> None:  # a sync that took its turn and then stopped making progress
        with store.gate.priority(), store.gate.held():
            taken.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_gate)
    holder.start()
    assert taken.wait(10)
    logged = threading.Thread(target=actions.log, args=(store, incident, "still written"))
    logged.start()
    logged.join(20)
    finished = not logged.is_alive()
    release.set()
    holder.join(10)
    logged.join(10)
    workspace.close()
    assert finished
    reopened = Workspace.open(tmp_path / "data")
    texts = [r[0] for r in reopened.store.rows("SELECT text FROM entries")]
    reopened.close()
    assert "still written" in texts


def test_reads_and_the_priority_threads_own_writes_never_wait(tmp_path):
    workspace = Workspace.open(tmp_path / "data")
    store = workspace.store
    incident = actions.open_incident(store, workspace.plan("power"))
    with store.gate.priority():
        with store.gate.held():
            assert store.rows("SELECT count(*) FROM ops")  # a read takes no turn
            with store.transaction():  # nested in its own turn: no second lock on the gate
                pass
        actions.log(store, incident, "sync's own write")  # a fresh turn of its own
    workspace.close()
