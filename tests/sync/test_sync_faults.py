"""Damaged, foreign, duplicated, deleted and conflicting files; a share that goes away;
clock skew; two consoles with one console id. Real files in a real shared folder."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest

from command_console.core.clock import FakeClock, SystemClock
from command_console.data import actions
from command_console.data.sync import segments as seg
from command_console.data.sync.state import SyncState
from command_console.data.sync.verify import verify
from tests.sync.conftest import entry_texts, sync_all


def _segments(share, console):
    return sorted(p for p in (share / console).iterdir() if seg.parse_name(p.name))


def _two_with_entries(consoles, n=5):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    incident = actions.open_incident(a.store, a.plan("power"))
    for i in range(n):
        actions.log(a.store, incident, f"entry {i}")
    sa.sync_once()
    return a, sa, b, sb, incident


def _converged(a, b, n=5):
    texts = entry_texts(b.store)
    assert all(texts.count(f"entry {i}") == 1 for i in range(n)), texts
    assert a.store.table_digest() == b.store.table_digest()


def test_truncated_segment_is_reported_intact_part_applied_and_healed(consoles, share):
    a, sa, b, sb, _ = _two_with_entries(consoles)
    (path,) = _segments(share, a.config.console_id)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 300])
    got = sb.sync_once()
    assert any(
        (str(path) in p and "truncated" in p) or "runs past the end" in p for p in got.problems
    ), got.problems
    assert 0 < got.applied < a.store.op_count()
    assert got.bad_files == 1 and "1 bad file" in sb.status_text()
    healed = sa.sync_once()  # the owner sees its file changed size and republishes it
    assert any("changed size" in p for p in healed.problems)
    sync_all([sb, sa])
    _converged(a, b)
    assert sb.sync_once().bad_files == 0  # the damaged file is gone from the share


def test_bit_flip_is_reported_and_the_owner_republishes_on_request(consoles, share):
    a, sa, b, sb, _ = _two_with_entries(consoles)
    (path,) = _segments(share, a.config.console_id)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))
    got = sb.sync_once()
    assert any(p.startswith(str(path)) and "checksum mismatch" in p for p in got.problems), (
        got.problems
    )
    assert got.applied == a.store.op_count() - 1  # every other operation still applied
    assert list((share / b.config.console_id).glob("need-*"))
    answered = sa.sync_once()
    assert any("asked for seq" in p for p in answered.problems)
    sync_all([sb, sa])
    _converged(a, b)
    assert not list((share / b.config.console_id).glob("need-*"))


def test_duplicates_and_conflict_copies_are_read_once(consoles, share):
    a, sa, b, sb, _ = _two_with_entries(consoles)
    (path,) = _segments(share, a.config.console_id)
    stem = path.name[:-4]
    shutil.copy(path, path.with_name(f"{stem}.sync-conflict-20261122-080000-ABCDEFG.seg"))
    shutil.copy(path, path.with_name(f"{stem} (night lead's conflicted copy 2026-11-22).seg"))
    shutil.copy(path, path.with_name(seg.segment_name(1, a.store.op_count())))
    got = sb.sync_once()
    assert got.problems == [] and got.applied == a.store.op_count()
    sync_all([sa, sb])
    _converged(a, b)


def test_conflict_copy_in_own_folder_is_adopted_and_folded_away(consoles, share):
    a, sa, b, sb, _incident = _two_with_entries(consoles)
    (path,) = _segments(share, a.config.console_id)
    copy = path.with_name(path.name[:-4] + ".sync-conflict-20261122-080000-ABCDEFG.seg")
    shutil.copy(path, copy)
    sa.compact_age_s = 0
    got = sa.sync_once()
    assert got.problems == [] and got.duplicate_console is None
    assert not copy.exists() and len(SyncState.load(a.store).own) == 1  # a copy of ours: removed
    sync_all([sb, sa])
    _converged(a, b)


def test_deleted_segment_is_republished_for_consoles_that_come_later(consoles, share):
    a, sa, _b, _sb, _ = _two_with_entries(consoles)
    for path in _segments(share, a.config.console_id):
        path.unlink()
    got = sa.sync_once()
    assert any("missing from the share" in p for p in got.problems)
    c, sc = consoles("c")
    sync_all([sc, sa])
    _converged(a, c)


def test_foreign_and_future_version_files_are_skipped_with_a_reason(consoles, share):
    a, _sa, _b, sb, _ = _two_with_entries(consoles)
    folder = share / a.config.console_id
    (folder / "README.txt").write_text("not ours")
    (folder / seg.segment_name(900, 901)).write_bytes(b"PK\x03\x04 a zip file")
    (path,) = _segments(share, a.config.console_id)[:1]
    future = seg.MAGIC + bytes([9, 0, 0]) + path.read_bytes()[len(seg.HEADER) :]
    (folder / seg.segment_name(950, 960)).write_bytes(future)
    got = sb.sync_once()
    reasons = "\n".join(got.problems)
    assert "README.txt: not a segment file" in reasons
    assert "bad magic" in reasons and "segment format 9" in reasons and "upgrade" in reasons
    assert got.applied == a.store.op_count()  # the good file still applied
    assert sb.sync_once().problems == []  # reported once, remembered
    assert len(sb.known_problems()) == 3
    assert "3 bad files" in sb.status_text()


def test_share_unavailable_then_back_publishes_everything(consoles, share, tmp_path):
    a, sa, b, sb, incident = _two_with_entries(consoles)
    sb.sync_once()
    away = tmp_path / "unmounted"
    share.rename(away)
    for i in range(5, 9):
        actions.log(a.store, incident, f"entry {i}")  # local work goes on
    down = sa.sync_once()
    assert not down.share_ok and down.unpublished == 4
    assert sa.status_text() == "share unavailable · 4 unpublished · retrying"
    assert not share.exists()  # a missing share is never created (it may be an unmounted drive)
    away.rename(share)
    back = sa.sync_once()
    assert back.share_ok and back.published == 4 and back.unpublished == 0
    sync_all([sb, sa])
    _converged(a, b, 9)


@pytest.fixture
def mount(tmp_path):
    mounted = []

    def do(*args):
        proc = subprocess.run(["mount", *args], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot mount here ({proc.stderr.strip()}): needs root")
        mounted.append(args[-1])

    yield do
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", target], capture_output=True)


def test_read_only_share_keeps_reading_and_reports(consoles, share, tmp_path, mount):
    a, sa, _b, sb, incident = _two_with_entries(consoles)
    sb.sync_once()
    actions.log(a.store, incident, "while read-only")
    ro = tmp_path / "ro-view"
    ro.mkdir()
    mount("--bind", str(share), str(ro))
    mount("-o", "remount,bind,ro", str(ro))
    sa.share = ro
    got = sa.sync_once()
    assert not got.share_ok and got.share_state == "share read-only" and got.unpublished == 1
    assert sa.status_text() == "share read-only · 1 unpublished · retrying"
    sa.share = share
    assert sa.sync_once().published == 1


def test_full_share_reports_and_leaves_no_partial_file(consoles, tmp_path, mount):
    small = tmp_path / "small"
    small.mkdir()
    mount("-t", "tmpfs", "-o", "size=32k", "tmpfs", str(small))
    a, sa = consoles("a", share_dir=small)
    incident = actions.open_incident(a.store, a.plan("power"))
    for i in range(40):
        actions.log(a.store, incident, f"entry {i} " + "x" * 400)
    got = sa.sync_once()
    assert not got.share_ok and got.share_state == "share full" and got.unpublished > 0
    assert not [
        p for p in (small / a.config.console_id).iterdir() if p.name.startswith(seg.TEMP_PREFIX)
    ]


def test_clock_skew_is_warned(consoles, share):
    ahead = FakeClock(SystemClock().now() + timedelta(minutes=12))
    (a, sa), (_b, sb) = consoles("a", clock_=ahead), consoles("b")
    actions.open_incident(a.store, a.plan("power"))
    assert "this console is 12 min ahead of the share" in (sa.sync_once().skew or "")
    got = sb.sync_once()
    assert f"console {a.config.console_id} is 12 min ahead" in (got.skew or "")
    assert "clock skew" in sb.status_text()
    (_c, sc) = consoles("c")
    assert sc.sync_once().skew is not None  # a fresh console notices too
    ahead.set(SystemClock().now())  # the clock is fixed; the next published segment shows it
    actions.open_incident(a.store, a.plan("fire"))
    assert sa.sync_once().skew is None
    assert sb.sync_once().skew is None


def test_copied_data_dir_is_detected_with_a_fix(consoles, share, tmp_path):
    (a, sa) = consoles("a")
    incident = actions.open_incident(a.store, a.plan("power"))
    sa.sync_once()
    a.store.close()
    shutil.copytree(tmp_path / "a", tmp_path / "twin")
    (twin, st), (c, sc) = consoles("twin"), consoles("c")
    assert twin.config.console_id == a.config.console_id
    actions.log(a.store, incident, "from the original")
    actions.log(twin.store, incident, "from the copy")
    sa.sync_once()
    got = st.sync_once()
    assert got.duplicate_console and "sync --new-identity" in got.duplicate_console
    assert st.status_text().startswith("DUPLICATE CONSOLE ID")
    assert sa.sync_once().duplicate_console
    third = sc.sync_once()
    assert third.duplicate_console and a.config.console_id in third.duplicate_console
    assert verify(c.store, share)[1]  # the audit shows the two histories too


def test_verify_reports_tampering_and_gaps(consoles, share):
    a, _sa, b, sb, _ = _two_with_entries(consoles)
    sb.sync_once()
    summary, problems = verify(b.store, share)
    assert problems == [] and len(summary) == 4
    with a.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE ops SET payload = replace(payload, 'entry 2', 'entry 9') WHERE console_id = ?",
            (a.config.console_id,),
        )
        conn.exec_driver_sql(
            "DELETE FROM ops WHERE console_id = ? AND seq = 3", (a.config.console_id,)
        )
    _summary, problems = verify(a.store, share)
    text = "\n".join(problems)
    assert "hash does not match content" in text and "gap, seq 3-3 missing" in text


def test_an_emptied_mount_point_is_not_filled_and_republish_recovers(consoles, share, tmp_path):
    a, sa, b, sb, _ = _two_with_entries(consoles)
    sb.sync_once()
    away = tmp_path / "unmounted"
    share.rename(away)
    share.mkdir()  # the bare mount point left behind when the share is not mounted
    got = sa.sync_once()
    assert not got.share_ok and got.share_state == "share unavailable"
    assert any(".command-console-share: missing" in p and "--republish" in p for p in got.problems)
    assert list(share.iterdir()) == []  # nothing written underneath
    sa.republish()  # the lead says: this empty folder is the share now
    assert sa.sync_once().published == a.store.op_count()
    sb.republish()
    sync_all([sb, sa])
    _converged(a, b)


def test_foreign_segment_in_own_folder_is_reported(consoles, share):
    a, sa, b, sb, _ = _two_with_entries(consoles)
    sb.sync_once()
    (theirs,) = _segments(share, b.config.console_id)
    shutil.copy(theirs, share / a.config.console_id / theirs.name)
    got = sa.sync_once()
    assert any(
        f"segment of console {b.config.console_id!r} in this console's folder" in p
        for p in got.problems
    )
    assert got.duplicate_console is None


def test_slow_share_shows_in_the_status_line(consoles):
    import threading

    from command_console.data.sync.state import ProcessLock

    (_a, sa) = consoles("a")
    sa.sync_once()
    sa.slow_after_s = 0.0
    with ProcessLock(sa.lock_path, True):  # stands in for a share that does not answer
        worker = threading.Thread(target=sa.sync_once, kwargs={"wait": True})
        worker.start()
        while sa._started is None:
            worker.join(0.01)
        assert sa.status_text().startswith("share slow · syncing")
        assert sa.sync_once().busy  # the next tick returns at once instead of piling up
    worker.join()
    assert sa.status_text().startswith("sync ")
