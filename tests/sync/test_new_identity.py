"""A copied data directory fixed with `sync --new-identity`: every acknowledged entry on
every console exactly once, the duplicate warning gone, the audit clean. Real data dirs,
a real shared folder, the real CLI."""

from __future__ import annotations

import shutil
from datetime import UTC

from command_console.core.ops import Op
from command_console.data import actions
from command_console.data.sync import peers
from tests.sync.conftest import entry_texts
from tests.sync.conftest import run_cli_in_process as run_cli


def _console(consoles, name, share):
    workspace, syncer = consoles(name)
    workspace.initialise(sync_dir=str(share))
    return workspace, syncer


def _passes(syncers, rounds=3):
    results = []
    for _ in range(rounds):
        results = [syncer.sync_once(wait=True) for syncer in syncers]
    return results


def test_a_copied_data_dir_gets_a_new_identity_and_loses_nothing(consoles, share, tmp_path):
    (a, sa), (b, sb) = _console(consoles, "a", share), _console(consoles, "b", share)
    incident = actions.open_incident(a.store, a.plan("power"))
    written = [f"before the copy {i}" for i in range(3)]
    for text in written:
        actions.log(a.store, incident, text)
    _passes([sa, sb], 1)
    a.store.close()
    shutil.copytree(tmp_path / "a", tmp_path / "a2")
    a2, sa2 = consoles("a2")
    old_id = a.config.console_id
    assert a2.config.console_id == old_id
    # The copy writes first; B takes the copy's operations at the seqs both will use.
    for i in range(3):
        written.append(actions.log(a2.store, incident, f"on the copy {i}").payload["text"])
    sa2.sync_once(wait=True)
    sb.sync_once(wait=True)
    for i in range(4):
        written.append(actions.log(a.store, incident, f"on the original {i}").payload["text"])
    results = _passes([sa, sb, sa2], 2)
    assert all(result.duplicate_console for result in results), [
        r.duplicate_console for r in results
    ]
    assert "--new-identity" in results[0].duplicate_console

    a2.close()
    fixed = run_cli(tmp_path / "a2", "sync", "--new-identity", check=False)
    assert "re-issued" in fixed.stdout, fixed.stdout + fixed.stderr
    assert (tmp_path / "a2" / f"console.key.{old_id}").read_bytes() == (
        tmp_path / "a" / "console.key"
    ).read_bytes()
    a2, sa2 = consoles("a2")
    assert a2.config.console_id != old_id
    assert a2.store.signer.public_key != a.store.signer.public_key
    written.append(actions.log(a2.store, incident, "on the copy, new id").payload["text"])
    written.append(actions.log(a.store, incident, "on the original, later").payload["text"])

    results = _passes([sa, sb, sa2], 3)
    assert [result.duplicate_console for result in results] == [None, None, None]
    assert [result.rejected_total for result in results] == [{}, {}, {}], [
        (r.console_id, r.seq, r.reason) for w in (a, b, a2) for r in peers.list_rejected(w.store)
    ]
    for workspace in (a, b, a2):
        texts = entry_texts(workspace.store)
        assert {text: texts.count(text) for text in written} == dict.fromkeys(written, 1), (
            workspace.paths.root
        )
    assert a.store.table_digest() == b.store.table_digest() == a2.store.table_digest()
    for workspace in (a, b, a2):
        digest = workspace.store.table_digest()
        workspace.store.rebuild()
        assert workspace.store.table_digest() == digest  # rebuild from ops == live tables
        audit = run_cli(workspace.paths.root, "verify", check=False)
        assert audit.returncode == 0, audit.stdout + audit.stderr
        assert "problem" not in audit.stderr
    assert not [
        p
        for p in (share / old_id).iterdir()
        if p.name.endswith(".seg")
        and any(text in p.read_bytes().decode("utf-8", "replace") for text in written[3:6])
    ]


def test_an_interrupted_new_identity_refuses_the_old_id_and_finishes_when_run_again(
    consoles, share, tmp_path
):
    (a, _sa) = _console(consoles, "a", share)
    incident = actions.open_incident(a.store, a.plan("power"))
    actions.log(a.store, incident, "before")
    old_id = a.config.console_id
    a.close()
    from command_console.data.sync import Syncer, identity
    from command_console.workspace import Workspace

    workspace = Workspace.open(tmp_path / "a")
    switch, identity._switch = (
        identity._switch,
        lambda *args: None,
    )  # the process dies right after the commit
    try:
        identity.new_identity(Syncer(workspace))
    finally:
        identity._switch = switch
    workspace.close()
    stale = run_cli(tmp_path / "a", "log", incident, "under the old id", check=False)
    assert stale.returncode != 0 and "--new-identity" in stale.stderr
    assert "--new-identity" in run_cli(tmp_path / "a", "sync", check=False).stderr
    finished = run_cli(tmp_path / "a", "sync", "--new-identity")
    assert "interrupted change was finished" in finished.stdout
    run_cli(tmp_path / "a", "log", incident, "under the new id")
    reopened = Workspace.open(tmp_path / "a")
    assert reopened.config.console_id != old_id
    assert entry_texts(reopened.store).count("before") == 1
    reopened.close()


def _forged_reissue(hostile, original: Op) -> None:
    hostile.store.append("op.reissue", {"original": original.as_dict()})


def test_a_forged_reissue_is_quarantined(consoles, share, tmp_path):
    (a, sa), (b, sb), (h, sh) = (_console(consoles, n, share) for n in ("a", "b", "h"))
    incident = actions.open_incident(a.store, a.plan("power"))
    genuine = actions.log(a.store, incident, "genuine")
    _passes([sa, sb, sh], 1)
    # 1. An operation of A, rewritten, with A's old signature: the hash changes, the signature fails.
    changed = Op(
        **{
            **genuine.as_dict(),
            "id": "f" * 32,
            "payload": {**genuine.payload, "text": "forged text"},
        }
    ).sealed()
    changed = Op(**{**changed.as_dict(), "sig": genuine.sig})
    _forged_reissue(h, changed)
    # 2. An operation signed by a console no one has pinned (it never joined the share).
    (z, _sz) = consoles("z", share_dir=tmp_path / "elsewhere")
    stranger = actions.log(z.store, incident, "from a stranger")
    _forged_reissue(h, stranger)
    results = _passes([sh, sb, sa], 2)
    for workspace, result in ((b, results[1]), (a, results[2])):
        texts = entry_texts(workspace.store)
        assert "forged text" not in texts and "from a stranger" not in texts
        assert result.rejected_total == {h.config.console_id: 2}, result.rejected_total
        reasons = " | ".join(item.reason for item in peers.list_rejected(workspace.store))
        assert (
            "signature does not verify with the key pinned for console " + a.config.console_id
            in reasons
        )
        assert f"console {z.config.console_id}, whose key this console has never pinned" in reasons
        assert texts.count("genuine") == 1


def test_a_reissue_folds_its_original_once_whichever_way_it_arrives(tmp_path):
    from datetime import datetime

    from command_console.core.clock import FakeClock
    from command_console.data.plan_files import load_library
    from command_console.data.store import Store
    from command_console.paths import shipped_plans_dir

    clock = FakeClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    plan = load_library([shipped_plans_dir()]).plans["power-outage"]
    source = Store(tmp_path / "a.db", "aaaa", "Ann", clock)
    incident = actions.open_incident(source, plan)
    for i in range(3):
        clock.advance(seconds=5)
        actions.log(source, incident, f"line {i}")
        actions.set_report_field(source, incident, "impact", f"impact {i}")
    originals = source.all_ops()
    copy = Store(tmp_path / "n.db", "nnnn", "Ann", clock)
    copy.merge(originals)
    clock.advance(seconds=5)
    reissues = copy.append_many([("op.reissue", {"original": op.as_dict()}) for op in originals])
    orders = {
        "originals first": [originals, reissues],
        "reissues first": [reissues, originals],
        "reissues only": [reissues],
        "all at once": [originals + reissues],
    }
    digests = {}
    for name, batches in orders.items():
        target = Store(tmp_path / f"{name}.db", "tttt", "Ty", clock)
        for batch in batches:
            target.merge(batch)
        digests[name] = target.table_digest()
        target.rebuild()
        assert target.table_digest() == digests[name], name
        texts = entry_texts(target)
        assert [texts.count(f"line {i}") for i in range(3)] == [1, 1, 1], name
    assert (
        len(set(map(str, digests.values()))) == 1
        and digests["all at once"] == source.table_digest()
    )
