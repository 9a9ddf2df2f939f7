"""The store against a real SQLite file: the op log, the fold, durability, versions."""

from __future__ import annotations

import itertools
import os
import random
import sqlite3
import stat
import subprocess
import sys
from datetime import timedelta

import pytest

from command_console.core.errors import StoreError, UserError
from command_console.core.incidents import CallOutcome, Severity, Status, StepState
from command_console.core.ops import GENESIS_HASH, validate
from command_console.data import actions, queries
from command_console.data.schema import SCHEMA_VERSION
from command_console.data.store import Store


def _busy_incident(workspace, clock) -> str:
    store = workspace.store
    iid = actions.open_incident(
        store, workspace.plan("power-outage"), started_at=clock.now() - timedelta(minutes=2)
    )
    actions.log(store, iid, "UPS at 80% [bold]not markup[/]")
    step = actions.resolve_step(store, iid, "1")
    actions.set_step(store, iid, step, StepState.DONE, "ops on the way")
    actions.set_severity(store, iid, Severity.MAJOR)
    actions.set_report_field(store, iid, "site", "Hall A")
    contact = queries.list_contacts(store)[0]
    actions.log_call(store, iid, contact, contact.phones[0], CallOutcome.NO_ANSWER, "it")
    return iid


def test_every_change_is_an_op_with_chain_and_valid_format(workspace, clock):
    _busy_incident(workspace, clock)
    ops = workspace.store.all_ops()
    mine = sorted(
        (o for o in ops if o.console_id == workspace.config.console_id), key=lambda o: o.seq
    )
    assert [o.seq for o in mine] == list(range(1, len(mine) + 1))
    assert mine[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(mine))
    assert all(validate(o) is None for o in ops)
    assert len({o.hlc for o in ops}) == len(ops), (
        "hybrid logical clock stamps are unique per console"
    )


def test_rebuild_from_ops_gives_exactly_the_live_tables(workspace, clock):
    _busy_incident(workspace, clock)
    live = workspace.store.table_digest()
    workspace.store.rebuild()
    assert workspace.store.table_digest() == live


def test_merge_in_any_order_with_duplicates_gives_the_same_tables(workspace, clock, tmp_path):
    _busy_incident(workspace, clock)
    clock.advance(30)
    iid2 = actions.open_incident(workspace.store, workspace.plan("fire-alarm"))
    actions.set_status(workspace.store, iid2, Status.RESOLVED)
    ops = workspace.store.all_ops()
    expected = workspace.store.table_digest()
    for trial in range(5):
        other = Store(tmp_path / f"other{trial}.db", "zzzz", "x", clock)
        shuffled = ops + random.Random(trial).sample(ops, k=len(ops) // 2)
        random.Random(trial).shuffle(shuffled)
        for start in range(0, len(shuffled), 4):
            other.merge(shuffled[start : start + 4])
        assert other.table_digest() == expected
        other.close()


def test_a_write_that_returned_survives_kill_9(tmp_path):
    """A child process appends, prints the id, and is killed at once: the entry is on disk."""
    data = tmp_path / "data"
    code = (
        "import os, sys\n"
        "from command_console.workspace import Workspace\n"
        "from command_console.data import actions\n"
        f"w = Workspace.open({str(data)!r})\n"
        "i = actions.open_incident(w.store, w.plan('power-outage'))\n"
        "op = actions.log(w.store, i, 'acknowledged entry')\n"
        "print(op.id, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == -9
    op_id = result.stdout.strip()
    conn = sqlite3.connect(data / "console.db")
    assert conn.execute("SELECT text FROM entries WHERE id = ?", (op_id,)).fetchone() == (
        "acknowledged entry",
    )
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_database_runs_wal_full_sync_and_is_private(workspace):
    store = workspace.store
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA synchronous") == 2  # FULL
    with store.engine.connect() as conn:  # the ORM-side engine has the same settings
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(workspace.paths.root).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(workspace.paths.config).st_mode) == 0o600


def test_schema_version_is_recorded(workspace):
    with sqlite3.connect(workspace.store.path) as conn:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
    assert meta == {"app": "command-console", "schema_version": str(SCHEMA_VERSION)}


def test_older_schema_migrates_by_refolding(workspace, clock):
    iid = _busy_incident(workspace, clock)
    expected = workspace.store.table_digest()
    path = workspace.store.path
    workspace.close()
    with sqlite3.connect(path) as conn:  # an older file: version 0, a readable table missing
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
        conn.execute("DROP TABLE report_fields")
        conn.execute("DROP INDEX ix_ops_console_rowid")  # added in version 7
    store = Store(path, "abcd", "lead", clock)
    assert store.table_digest() == expected
    assert queries.get_report(store, iid).value("site") == "Hall A"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )
        indexes = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
    assert "ix_ops_console_rowid" in indexes
    store.close()


def test_own_ops_since_a_rowid_are_found_by_a_seek(workspace):
    """Sync asks this several times a second; walking every op of the console instead grew
    an idle console's CPU with its history."""
    plan = workspace.store.rows(
        "EXPLAIN QUERY PLAN SELECT 1 FROM ops WHERE rowid > ? AND console_id = ? LIMIT 1",
        0,
        "abcd",
    )
    assert any("ix_ops_console_rowid (console_id=? AND rowid>?)" in row.detail for row in plan)


def test_newer_schema_is_refused(workspace):
    path = workspace.store.path
    workspace.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer Command Console"):
        Store(path, "abcd", "lead")


@pytest.mark.parametrize(
    "content", [b"this is not sqlite at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_corrupt_file_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "console.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="refusing"):
        Store(path, "abcd", "lead")
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "console.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
        conn.execute("INSERT INTO customers VALUES (1, 'x')")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a Command Console database"):
        Store(path, "abcd", "lead")
    assert path.read_bytes() == before


def test_bad_input_writes_nothing(workspace, clock):
    iid = _busy_incident(workspace, clock)
    before = workspace.store.op_count()
    with pytest.raises(UserError, match="limit is 2000"):
        actions.log(workspace.store, iid, "x" * 2001)
    with pytest.raises(UserError, match="needs a reason"):
        actions.set_step(workspace.store, iid, "phone-superior", StepState.SKIPPED)
    with pytest.raises(UserError, match="severity 'huge'"):
        actions.parse_severity("huge")
    with pytest.raises(UserError, match=r"report incomplete: .*Time of occurrence is missing"):
        actions.complete_report(workspace.store, iid)
    assert workspace.store.op_count() == before


def test_control_characters_are_stored_without_them(workspace, clock):
    iid = _busy_incident(workspace, clock)
    actions.log(workspace.store, iid, "ring\x07 \x1b[2Jclear")
    assert queries.timeline(workspace.store, iid)[-1].text == "ring clear"


def test_timers_count_from_started_at_and_follow_its_change(workspace, clock):
    store = workspace.store
    iid = actions.open_incident(
        store, workspace.plan("power-outage"), started_at=clock.now() - timedelta(minutes=3)
    )
    step = next(s for s in queries.get_incident(store, iid).steps if s.deadline_s == 300)
    assert step.due_at == clock.now() + timedelta(minutes=2)
    actions.set_started_at(store, iid, clock.now() - timedelta(minutes=10))
    step = next(s for s in queries.get_incident(store, iid).steps if s.deadline_s == 300)
    assert step.due_at == clock.now() - timedelta(minutes=5)


def test_done_step_stays_done_against_a_concurrent_skip(workspace, clock, tmp_path):
    store = workspace.store
    iid = actions.open_incident(store, workspace.plan("power-outage"))
    opened = store.all_ops()
    other = Store(tmp_path / "b.db", "bbbb", "deputy", clock)
    other.merge(opened)
    clock.advance(1)
    actions.set_step(other, iid, "phone-superior", StepState.SKIPPED, "not needed")
    clock.advance(1)
    actions.set_step(store, iid, "phone-superior", StepState.DONE)
    both = store.all_ops() + other.all_ops()
    store.merge(both)
    other.merge(both)
    for s in (store, other):
        step = next(x for x in queries.get_incident(s, iid).steps if x.step_id == "phone-superior")
        assert step.state == StepState.DONE
    assert store.table_digest() == other.table_digest()
    other.close()


def test_concurrent_overwrite_is_recorded_as_a_conflict(workspace, clock, tmp_path):
    store = workspace.store
    iid = actions.open_incident(store, workspace.plan("power-outage"))
    other = Store(tmp_path / "b.db", "bbbb", "deputy", clock)
    other.merge(store.all_ops())
    actions.set_report_field(store, iid, "impact", "Floor 3 without power")
    clock.advance(1)
    actions.set_report_field(other, iid, "impact", "Whole building dark")
    store.merge(other.all_ops())
    conflicts = queries.list_conflicts(store)
    assert len(conflicts) == 1
    assert (conflicts[0].kept_value, conflicts[0].lost_value) == (
        "Whole building dark",
        "Floor 3 without power",
    )
    assert queries.get_report(store, iid).value("impact") == "Whole building dark"
    shown = [e for e in queries.timeline(store, iid) if e.kind.value == "conflict"]
    assert (
        len(shown) == 1
        and "'Floor 3 without power'" in shown[0].text
        and "'Whole building dark'" in shown[0].text
    )
    other.merge(store.all_ops())
    assert (
        other.table_digest() == store.table_digest()
    )  # the conflict entry folds the same everywhere
    other.close()


def test_two_processes_on_one_data_dir_both_succeed(workspace):
    data = workspace.paths.root
    iid = actions.open_incident(workspace.store, workspace.plan("system-failure"))
    code = (
        "import sys\n"
        "from command_console.workspace import Workspace\n"
        "from command_console.data import actions\n"
        f"w = Workspace.open({str(data)!r})\n"
        "for n in range(40): actions.log(w.store, sys.argv[1], f'{sys.argv[2]} {n}')\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code, iid, name]) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    texts = {e.text for e in queries.timeline(workspace.store, iid)}
    assert {f"{who} {n}" for who in "ab" for n in range(40)} <= texts


def test_draft_saves_sweep_temp_files_left_by_killed_saves(tmp_path):
    import os
    import time

    from command_console.data.drafts import STALE_TEMP_S, DraftStore

    folder = tmp_path / "drafts"
    folder.mkdir()
    stale, fresh = folder / ".draft-old.tmp", folder / ".draft-new.tmp"
    stale.write_text("{")
    fresh.write_text("{")
    old = time.time() - STALE_TEMP_S - 5
    os.utime(stale, (old, old))
    drafts = DraftStore(folder)
    assert drafts.save("1-abc", {"impact": "queue 300"}, drafts.next_version())
    assert not stale.exists() and fresh.exists()  # a save in flight elsewhere keeps its temp file
    assert drafts.load("1-abc") == {"impact": "queue 300"}


def test_pooled_connections_are_reused_across_threads_and_close_waits_for_lent_ones(tmp_path):
    """Worker threads share pooled connections; close() closes the idle ones at once and one
    a transaction is using when that transaction ends; the store stays usable."""
    import sqlite3
    import threading

    from command_console.data.store import Store

    store = Store(tmp_path / "pool.db", "pool", "Lead")
    seen = []

    def read():
        with store.transaction("DEFERRED") as conn:
            seen.append(conn)

    for _ in range(3):  # one thread after another, as the console's workers run
        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
    assert seen[0] is seen[1] is seen[2]
    with store.transaction("DEFERRED") as lent:
        worker = threading.Thread(target=read)  # needs a second connection, then leaves it idle
        worker.start()
        worker.join()
        idle = seen[-1]
        assert idle is not lent
        store.close()
        try:
            idle.execute("SELECT 1")
            raise AssertionError("an idle connection stayed open after close()")
        except sqlite3.ProgrammingError:
            pass
        lent.execute("SELECT 1")  # still usable by the transaction that has it
    try:
        lent.execute("SELECT 1")
        raise AssertionError("a connection lent during close() stayed open after its transaction")
    except sqlite3.ProgrammingError:
        pass
    assert store.head() == 0  # a new connection after close()


def test_background_checkpoint_keeps_the_wal_copy_out_of_commits(workspace):
    """The console's store leaves the WAL to `checkpoint()` (run in a worker): a commit
    never copies it into the database file, and `checkpoint()` copies all of it."""
    store, database = workspace.store, workspace.paths.database
    store.checkpoint()
    store.checkpoint_in_background()
    with store.transaction("DEFERRED") as conn:
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    size_before = os.path.getsize(database)
    incident = actions.open_incident(store, workspace.plan("power-outage"))
    for n in range(400):  # ~5 MB: past the 1,000 pages at which SQLite would checkpoint in a commit
        actions.log(store, incident, f"entry {n} " + "x" * 1900)
    assert os.path.getsize(database) == size_before  # everything is still in the WAL
    assert os.path.getsize(f"{database}-wal") > 4_000_000
    store.checkpoint()
    assert os.path.getsize(database) > size_before + 800_000
