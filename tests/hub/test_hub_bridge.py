"""A site's folder and the regional hub, bridged by one console that syncs both: ops go both
ways, each acknowledged entry exactly once everywhere, nothing loops."""

from __future__ import annotations

from command_console.core.clock import SystemClock
from command_console.data import actions
from command_console.data.sync import Syncer
from command_console.data.sync.hub_admin import hub_grant
from command_console.data.sync.relay import RELAY_DIR
from command_console.workspace import Workspace
from tests.hub.hubtools import entries_once, hub_counts, local_counts, prepare_hub


def _console(root, **settings) -> tuple[Workspace, Syncer]:
    workspace = Workspace.open(root, SystemClock())
    workspace.initialise(**settings)
    return workspace, Syncer(workspace)


def _log(workspace: Workspace, texts: list[str], prefix: str, count: int) -> None:
    incident = actions.open_incident(workspace.store, workspace.plan("power"))
    for n in range(count):
        text = f"{prefix} {n}"
        actions.log(workspace.store, incident, text)
        texts.append(text)


def _site_and_region(hub_db, tmp_path):
    """A site's folder console, its bridge (folder + hub, granted '*') and a hub-only
    console of the region (granted its own id)."""
    prepare_hub(hub_db)
    share = tmp_path / "share"
    share.mkdir()
    bridge_role, hub_role = hub_db.role("bridge"), hub_db.role("regional")
    folder = _console(tmp_path / "folder", sync_dir=str(share))
    bridge = _console(tmp_path / "bridge", sync_dir=str(share), sync_url=hub_db.url(bridge_role))
    regional = _console(tmp_path / "regional", sync_url=hub_db.url(hub_role))
    hub_grant(hub_db.admin_url, bridge_role, ["*"])
    hub_grant(hub_db.admin_url, hub_role, [regional[0].config.console_id])
    return share, folder, bridge, regional


def test_bridge_carries_ops_both_ways_exactly_once(hub_db, tmp_path):
    share, (folder, fs), (bridge, bs), (regional, rs) = _site_and_region(hub_db, tmp_path)

    texts: list[str] = []
    _log(folder, texts, "site", 20)
    _log(regional, texts, "region", 20)
    _log(bridge, texts, "bridge", 5)
    for _ in range(3):
        for syncer in (fs, bs, rs):
            result = syncer.sync_once(wait=True)
            assert result.share_ok and result.hub_ok, result.problems
            assert result.rejected == {}, result.problems

    everyone = local_counts(bridge)
    assert len(everyone) == 3
    for workspace in (folder, bridge, regional):
        assert local_counts(workspace) == everyone, workspace.config.console_id
        assert entries_once(workspace, texts) == []
    assert hub_counts(hub_db.admin_url) == everyone  # the folder console's ops reached the hub
    digests = [w.store.table_digest() for w in (folder, bridge, regional)]
    assert digests[0] == digests[1] == digests[2]

    # Only the regional console (no folder in the share) is relayed; nothing goes round again.
    relay = share / bridge.config.console_id / RELAY_DIR
    assert sorted(p.name for p in relay.iterdir()) == [regional.config.console_id]
    again = [s.sync_once(wait=True) for s in (fs, bs, rs)]
    assert [(r.published, r.applied) for r in again] == [(0, 0)] * 3
    for workspace in (folder, bridge, regional):
        workspace.close()


def test_a_console_role_without_the_bridge_grant_forwards_nothing_of_others(hub_db, tmp_path):
    """A bridge whose role may publish only its own console: its own ops reach the hub, the
    folder console's do not, and the pass says so instead of failing."""
    prepare_hub(hub_db)
    share = tmp_path / "share"
    share.mkdir()
    role = hub_db.role("narrow")
    folder, fs = _console(tmp_path / "folder", sync_dir=str(share))
    bridge, bs = _console(tmp_path / "bridge", sync_dir=str(share), sync_url=hub_db.url(role))
    hub_grant(hub_db.admin_url, role, [bridge.config.console_id])
    texts: list[str] = []
    _log(folder, texts, "site", 3)
    fs.sync_once(wait=True)
    result = bs.sync_once(wait=True)
    assert result.hub_ok, result.problems
    assert any("not forwarded" in line for line in result.problems), result.problems
    counts = hub_counts(hub_db.admin_url)
    assert counts[bridge.config.console_id] == local_counts(bridge)[bridge.config.console_id]
    assert folder.config.console_id not in counts
    folder.close()
    bridge.close()


def test_a_relay_folder_is_merged_and_readers_still_get_everything(hub_db, tmp_path, monkeypatch):
    """Past RELAY_MAX_FILES files a relayed console's folder is rewritten as one file per run;
    a folder console reading it in between, or only afterwards, gets every op once."""
    from command_console.data.sync import relay

    monkeypatch.setattr(relay, "RELAY_MAX_FILES", 3)
    share, (folder, fs), (bridge, bs), (regional, rs) = _site_and_region(hub_db, tmp_path)
    texts: list[str] = []
    incident = actions.open_incident(regional.store, regional.plan("power"))
    for round_ in range(6):
        for n in range(3):
            text = f"round {round_} entry {n}"
            actions.log(regional.store, incident, text)
            texts.append(text)
        assert rs.sync_once(wait=True).hub_ok
        assert bs.sync_once(wait=True).hub_ok
        if round_ == 2:
            fs.sync_once(wait=True)  # reads the relay before it is merged
    relayed = share / bridge.config.console_id / RELAY_DIR / regional.config.console_id
    files = [p for p in relayed.iterdir() if p.suffix == ".seg"]
    assert 1 <= len(files) <= 3, [p.name for p in files]
    fs.sync_once(wait=True)
    assert entries_once(folder, texts) == []
    assert local_counts(folder) == local_counts(regional) | local_counts(folder)
    for workspace in (folder, bridge, regional):
        workspace.close()
