"""The Syncer against real data dirs and a real shared folder: convergence and bookkeeping."""

from __future__ import annotations

import threading
import time

import pytest

from command_console.data import actions
from command_console.data.sync import pacing
from command_console.data.sync.own import COMPACT_KEEP
from tests.sync.conftest import entry_texts, sync_all


def test_two_consoles_converge_and_a_second_pass_does_nothing(consoles, share):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    incident = actions.open_incident(a.store, a.plan("power"))
    actions.log(a.store, incident, "generator started")
    first = sa.sync_once()
    assert first.published == a.store.op_count() and first.unpublished == 0 and first.problems == []
    own_b = b.store.op_count()
    got = sb.sync_once()
    assert got.applied == a.store.op_count() and got.published == own_b
    sa.sync_once()
    assert a.store.table_digest() == b.store.table_digest()
    again = [sa.sync_once(), sb.sync_once()]
    assert [(r.published, r.applied, r.files_read) for r in again] == [(0, 0, 0), (0, 0, 0)]
    assert entry_texts(b.store).count("generator started") == 1
    assert sa.status_text().startswith("sync ") and sa.status_text().endswith("· 0 unpublished")


def test_unpublished_count_and_status_line(consoles):
    (a, sa) = consoles("a")
    sa.sync_once()
    incident = actions.open_incident(a.store, a.plan("power"))
    actions.log(a.store, incident, "one")
    assert sa.last.unpublished == 0
    pending = sa.sync_once()
    assert (
        pending.published == 3 and pending.unpublished == 0
    )  # incident.open + incident.extra (drill, upward rule), the log
    assert sa.status_text().endswith("· 0 unpublished")


def test_a_new_console_reads_everything_after_compaction(consoles, share):
    (a, sa) = consoles("a")
    sa.compact_age_s = 0  # compact at once (normally files wait until others have read them)
    incident = actions.open_incident(a.store, a.plan("power"))
    for n in range(60):
        actions.log(a.store, incident, f"entry {n}")
        sa.sync_once()
    files = list((share / a.config.console_id).glob("*.seg"))
    assert len(files) <= COMPACT_KEEP + 1, sorted(f.name for f in files)  # not one per sync
    (b, sb) = consoles("b")
    sync_all([sb, sa, sb])
    assert a.store.table_digest() == b.store.table_digest()
    texts = entry_texts(b.store)
    assert all(texts.count(f"entry {n}") == 1 for n in range(60))


def test_reader_skips_compacted_files_it_already_holds(consoles, share):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    sa.compact_age_s = 0
    incident = actions.open_incident(a.store, a.plan("power"))
    reads = []
    for n in range(16):
        actions.log(a.store, incident, f"entry {n}")
        sa.sync_once()
        reads.append(sb.sync_once().files_read)
    # one file per pass is read, never the whole folder again
    assert reads[1:] == [1] * 15
    assert len(list((share / a.config.console_id).glob("*.seg"))) <= COMPACT_KEEP + 1
    sa.sync_once()
    assert a.store.table_digest() == b.store.table_digest()


def test_fresh_files_wait_before_compaction(consoles, share):
    (a, sa) = consoles("a")
    incident = actions.open_incident(a.store, a.plan("power"))
    for n in range(14):
        actions.log(a.store, incident, f"entry {n}")
        sa.sync_once()
    assert (
        len(list((share / a.config.console_id).glob("*.seg"))) == 14
    )  # nobody could have read a merge yet
    sa.compact_age_s = 0
    sa.sync_once()
    assert len(list((share / a.config.console_id).glob("*.seg"))) == COMPACT_KEEP


def test_sync_from_many_threads_at_once_while_writing(consoles):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    incident = actions.open_incident(a.store, a.plan("power"))
    errors: list[str] = []

    def syncing(syncer):
        for _ in range(15):
            result = syncer.sync_once()
            errors.extend(p for p in result.problems if "error" in p)

    threads = [threading.Thread(target=syncing, args=(s,)) for s in (sa, sa, sb, sb)]
    for t in threads:
        t.start()
    for n in range(40):
        actions.log(a.store, incident, f"threaded {n}")
    for t in threads:
        t.join()
    sync_all([sa, sb, sa])
    assert errors == []
    assert a.store.table_digest() == b.store.table_digest()
    assert sorted(t for t in entry_texts(b.store) if t.startswith("threaded")) == sorted(
        f"threaded {n}" for n in range(40)
    )


def test_a_pass_is_due_at_once_for_own_commits_and_after_a_gap_for_others(consoles):
    (a, sa), (_b, sb) = consoles("a"), consoles("b")
    sa.sync_once(), sb.sync_once()
    assert not sa.due(every_s=3600) and not sb.due(every_s=3600)
    incident = actions.open_incident(a.store, a.plan("power"))
    assert sa.due(3600) and not sb.due(3600)
    time.sleep(0.02)  # folder times tick with the kernel's coarse clock (a few ms)
    sa.sync_once()
    assert not sa.due(3600)  # its own pass published it
    sb.sync_once()  # b's pass reads it at once ...
    assert sb.last.applied == 2 and not sb.due(3600)  # incident.open + incident.extra
    actions.log(a.store, incident, "more")
    time.sleep(0.02)
    sa.sync_once()
    ended = time.monotonic()
    seen_due = []
    while time.monotonic() - ended < 2.0 and not seen_due:
        if sb.due(3600):
            seen_due.append(time.monotonic())
        time.sleep(0.005)
    # ... and a later file once the gap after its last pass has passed, not before
    assert seen_due
    assert sb._pass_ended + pacing.PASS_GAP_S <= seen_due[0]
    assert sb.sync_once().applied == 1


def test_the_gap_grows_with_a_long_pass_up_to_its_cap(consoles):
    (_a, sa) = consoles("a")
    for seconds, gap in ((0.01, pacing.PASS_GAP_S), (0.6, 0.6), (30.0, pacing.PASS_GAP_MAX_S)):
        sa._pass_seconds = seconds
        assert sa._gap() == gap


def test_the_gap_grows_with_the_consoles_a_pass_merged_from(consoles):
    """Fifty consoles that all write: each console waits a second between the passes that
    read them, instead of a pass every 0.2 s that reads a few and pays the fixed costs."""
    writers = [consoles(name) for name in ("a", "b", "c")]
    (_d, sd) = consoles("d")
    for workspace, syncer in writers:
        actions.open_incident(workspace.store, workspace.plan("power"))
        syncer.sync_once()
    sd.sync_once()
    assert sd._pass_consoles == 3
    sd._pass_seconds = 0.01
    for merged_from, gap in ((3, pacing.PASS_GAP_S), (25, 0.5), (50, pacing.PASS_GAP_MAX_S)):
        sd._pass_consoles = merged_from
        assert sd._gap() == pytest.approx(gap)
    assert not sd.sync_once().applied_from and sd._pass_consoles == 0
