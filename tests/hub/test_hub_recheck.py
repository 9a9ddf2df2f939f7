"""Mixed versions through the hub (data/sync/recheck.py): rows an older release refused are
pulled again once the console is upgraded (its watermark goes back), and merged."""

from __future__ import annotations

from command_console.data import actions
from command_console.data.sync import Syncer, peers
from tests.hub.hubtools import entry_texts, new_console, open_console, prepare_hub
from tests.sync.test_recheck_after_upgrade import NEWER, older_door, upgrade


def test_hub_rows_an_older_release_refused_are_pulled_again_after_the_upgrade(
    hub_db, tmp_path, monkeypatch
):
    prepare_hub(hub_db)
    (wa, sa), (wb, sb) = opened = [open_console(new_console(hub_db, tmp_path, n)) for n in "ab"]
    try:
        incident = actions.open_incident(wa.store, wa.plan("fire"))
        # two holes: the once-a-minute sweep alone would fill only the first
        for text in ("known to both", NEWER, "between", f"{NEWER} again", "after it"):
            actions.log(wa.store, incident, text)
        older_door(monkeypatch)
        for syncer in (sa, sb, sa, sb):
            assert syncer.sync_once(wait=True).hub_ok
        assert "after it" in entry_texts(wb.store) and NEWER not in entry_texts(wb.store)
        assert peers.rejected_counts(wb.store) == {wa.config.console_id: 2}

        upgraded: Syncer = upgrade(monkeypatch, wb, None)
        opened.append((wb, upgraded))
        assert upgraded.sync_once(wait=True).hub_ok
        assert {NEWER, f"{NEWER} again"} <= set(entry_texts(wb.store))
        assert peers.rejected_counts(wb.store) == {}
        assert wa.store.table_digest()["entries"] == wb.store.table_digest()["entries"]
    finally:
        for _workspace, syncer in opened:
            syncer.close()
        for workspace, _syncer in opened[:2]:
            workspace.close()


def test_the_sweep_finds_the_lowest_seq_missing_here(workspace):
    """What the once-a-minute sweep reads again from the hub (a quick count when nothing is
    missing, which is nearly always)."""
    store, console = workspace.store, workspace.config.console_id
    syncer = Syncer(workspace)
    assert syncer._first_hole("zz99") == 1  # nothing held of that console
    actions.open_incident(store, workspace.plan("power"))
    top = store.scalar("SELECT max(seq) FROM ops WHERE console_id = ?", console)
    assert top > 5 and syncer._first_hole(console) == top + 1
    with store.transaction() as conn:
        conn.execute("DELETE FROM ops WHERE console_id = ? AND seq IN (?, ?)", (console, 3, 5))
    assert syncer._first_hole(console) == 3
    with store.transaction() as conn:
        conn.execute("DELETE FROM ops WHERE console_id = ? AND seq = 1", (console,))
    assert syncer._first_hole(console) == 1
    syncer.close()
