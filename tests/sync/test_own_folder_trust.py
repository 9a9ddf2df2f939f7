"""Issue #11, the last gaps of the trust boundary (real data dirs, a real share, real keys):

- a file in a console's own folder that it did not write is adopted only for operations
  that decode, verify and are what it holds, under the range they hold; anything else is
  reported in one line, `sync` exits non-zero and the name's range is never believed;
- a record that copies another operation's id is quarantined with a reason, never
  dropped without a word.
"""

from __future__ import annotations

import shutil
import sqlite3

from typer.testing import CliRunner

from command_console.data import actions
from command_console.data.sync import peers
from command_console.data.sync import segments as seg
from command_console.data.sync.state import SyncState
from tests.sync import hostile as h


def _console_with_entries(consoles, name="a", n=3):
    workspace, syncer = consoles(name)
    incident = actions.open_incident(workspace.store, workspace.plan("fire"), title="Real fire")
    for i in range(n):
        actions.log(workspace.store, incident, f"entry {i}")
    assert syncer.sync_once(wait=True).share_ok
    return workspace, syncer, incident


def _own_segment(share, console):
    (path,) = sorted(p for p in (share / console).iterdir() if seg.parse_name(p.name))
    return path


def _cli_sync(workspace, share) -> tuple[int, str]:
    """`command-console sync`, in-process (a subprocess costs seconds and proves no more)."""
    from command_console.cli import app

    workspace.initialise(sync_dir=str(share))
    got = CliRunner().invoke(app, ["--data-dir", str(workspace.paths.root), "sync"])
    assert got.exception is None or isinstance(got.exception, SystemExit), got.exception
    return got.exit_code, got.output


def test_a_copy_of_an_own_segment_under_a_name_claiming_more_is_reported_not_believed(
    consoles, share
):
    a, sa, _ = _console_with_entries(consoles)
    a_id = a.config.console_id
    original = _own_segment(share, a_id)
    last = int(original.name[11:21])
    copy = h.drop(share / a_id, original.read_bytes(), 1, 1001)  # a bit flipped twice: intact

    got = sa.sync_once(wait=True)

    rel = f"{a_id}/{copy.name}"
    lines = [p for p in got.problems if copy.name in p]
    assert len(lines) == 1 and f"1-{last}" in lines[0], got.problems
    assert got.rejected, "a sync that found it must exit non-zero"
    state = SyncState.load(a.store)
    assert copy.name not in state.own, "the range its name claims was believed"
    assert rel in state.bad
    assert copy.exists(), "a file this console did not write is left as evidence"
    _, output = _cli_sync(a, share)  # later passes still name it
    assert copy.name in output


def test_an_own_folder_file_without_an_operation_of_this_console_is_reported(consoles, share):
    a, _sa, _ = _console_with_entries(consoles)
    b, sb, _ = _console_with_entries(consoles, "b")
    a_id = a.config.console_id
    sb.sync_once(wait=True)
    b_record = h.folder_records(share / b.config.console_id)[1]
    empty = h.drop(share / a_id, h.segment_bytes(a_id, [], 1, 1, h_now(a)), 1, 1001)
    foreign = h.drop(
        share / a_id, h.segment_bytes(a_id, [h.body(b_record)], 1, 1, h_now(a)), 2, 1002
    )

    exit_code, output = _cli_sync(a, share)

    assert exit_code == 1, output
    state = SyncState.load(a.store)
    for path in (empty, foreign):
        assert path.name in output, output
        assert path.name not in state.own, "adopted with the range its name claims"
        assert f"{a_id}/{path.name}" in state.bad


def test_an_own_op_with_another_signature_in_the_own_folder_is_not_adopted(consoles, share):
    a, sa, _ = _console_with_entries(consoles)
    a_id = a.config.console_id
    original = _own_segment(share, a_id)
    records = h.read_records(original)
    resigned = [dict(r, sig=h.new_signer().sign(r["hash"])) for r in records]
    path = h.drop_ops(share / a_id, a_id, resigned, h_now(a))  # same ids, hashes, range

    got = sa.sync_once(wait=True)

    assert any(path.name in p and "tampered" in p for p in got.problems), got.problems
    assert got.rejected
    assert path.name not in SyncState.load(a.store).own


def test_a_record_copying_another_consoles_op_id_is_quarantined_with_a_reason(consoles, share):
    a, sa, _ = _console_with_entries(consoles)
    hostile, sh, _ = _console_with_entries(consoles, "h")
    b, sb = consoles("b")
    for syncer in (sh, sa, sb):
        syncer.sync_once(wait=True)
    h_id = hostile.config.console_id
    a_op = next(o for o in a.store.all_ops() if o.kind == "entry.add")
    h_last = max((o for o in hostile.store.all_ops() if o.console_id == h_id), key=lambda o: o.seq)
    rec = h.record(h_last)
    rec.update(id=a_op.id, seq=h_last.seq + 1, prev_hash=h_last.hash)
    rec = h.seal(rec, hostile.store.signer)  # a valid op of console h but for its id
    forged = h.drop_ops(share / h_id, h_id, [rec], h_now(a))

    got = sb.sync_once(wait=True)

    rows = [r for r in peers.list_rejected(b.store) if r.file == f"{h_id}/{forged.name}"]
    assert len(rows) == 1 and a_op.id in rows[0].reason, rows
    assert got.rejected.get(h_id) == 1
    assert any(forged.name in p for p in got.problems), got.problems
    held = {(o.id, o.hash) for o in b.store.all_ops()}
    assert (a_op.id, a_op.hash) in held and (rec["id"], rec["hash"]) not in held


def h_now(workspace) -> int:
    from command_console.core.clock import to_ms

    return to_ms(workspace.clock.now())


def test_a_data_dir_restored_from_an_older_backup_merges_and_adopts_its_newer_segment(
    consoles, share, tmp_path
):
    """What adoption is for: the share holds ops the restored database lacks."""
    a, sa, incident = _console_with_entries(consoles)
    backup = tmp_path / "backup.db"
    with sqlite3.connect(a.paths.database) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    actions.log(a.store, incident, "written after the backup")
    assert sa.sync_once(wait=True).share_ok
    restored = tmp_path / "restored"
    shutil.copytree(a.paths.root, restored, ignore=shutil.ignore_patterns("console.db*"))
    shutil.copy(backup, restored / "console.db")
    r, sr = consoles("restored")

    got = sr.sync_once(wait=True)

    assert any("merged them" in p for p in got.problems), got.problems
    assert not got.rejected, got.problems
    assert {o.id for o in r.store.all_ops()} == {o.id for o in a.store.all_ops()}
    assert not SyncState.load(r.store).bad, SyncState.load(r.store).bad


def test_a_segment_header_nested_40000_deep_is_reported_and_stops_no_pass(consoles, share):
    a, _sa, _ = _console_with_entries(consoles)
    b, sb = consoles("b")
    folder = share / "000deep"  # sorts first
    h.publish_key(folder, h.new_signer().public_key)
    deep = h.HEADER + h.frame(b"[" * h.DEEP + b"]" * h.DEEP) + h.frame(b'{"end": 0}')
    path = h.drop(folder, deep, 1, 1)

    got = sb.sync_once(wait=True)

    assert got.share_ok, got.problems
    assert any(path.name in p and "header" in p for p in got.problems), got.problems
    assert {o.id for o in a.store.all_ops() if o.console_id == a.config.console_id} <= {
        o.id for o in b.store.all_ops()
    }
