"""Peers: keys pinned on first sight, approval, a changed key refused, group-shared files."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

from command_console.core.clock import FakeClock
from command_console.data import actions
from command_console.data.sync import keys, peers
from tests.sync.conftest import entry_texts, sync_all
from tests.sync.conftest import run_cli_in_process as run_cli


def test_a_new_peer_waits_for_approval_then_applies(consoles, share):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    sb.require_approval = True
    incident = actions.open_incident(a.store, a.plan("power"))
    actions.log(a.store, incident, "from the lead")
    sync_all([sa, sb])
    assert "from the lead" not in entry_texts(b.store)
    assert peers.get(b.store, a.config.console_id).status == peers.PENDING
    assert any("pending" in line for line in sb.known_problems())
    assert peers.set_status(b.store, a.config.console_id, peers.APPROVED)
    sync_all([sa, sb])
    assert "from the lead" in entry_texts(b.store)


def test_a_changed_key_is_refused_until_approved(consoles, share):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    actions.log(a.store, actions.open_incident(a.store, a.plan("power")), "before")
    sync_all([sa, sb])
    pinned = peers.get(b.store, a.config.console_id).public_key
    (share.parent / "elsewhere").mkdir()
    stranger = keys.load_or_create(share.parent / "elsewhere")
    (share / a.config.console_id / keys.PUBLIC_KEY_FILE).write_text(stranger.public_key + "\n")
    actions.log(b.store, b.store.incident_ids()[0], "b writes")  # b's pass reads a's folder again
    result = sb.sync_once(wait=True)
    peer = peers.get(b.store, a.config.console_id)
    assert peer.public_key == pinned and peer.key_mismatch == stranger.public_key
    assert any("key changed" in line for line in sb.known_problems() + result.problems)


def test_peers_cli_lists_fingerprints(consoles, share, tmp_path):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    sync_all([sa, sb])
    out = run_cli(tmp_path / "b", "peers").stdout
    assert a.config.console_id in out and a.store.signer.fingerprint in out
    assert b.store.signer.fingerprint in out
    bad = run_cli(tmp_path / "b", "peers", "approve", "zzzz", check=False)
    assert bad.returncode == 2 and "unknown console" in bad.stderr and "Traceback" not in bad.stderr


def test_group_shared_mode_makes_share_files_group_readable(consoles, share):
    (a, sa) = consoles("a")
    sa.share_group = True
    actions.log(a.store, actions.open_incident(a.store, a.plan("power")), "x")
    sa.sync_once(wait=True)
    folder = share / a.config.console_id
    assert stat.S_IMODE(folder.stat().st_mode) & 0o050 == 0o050
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o040 for p in folder.glob("*.seg"))


def test_last_seen_is_written_once_a_minute_at_the_end_of_a_pass(consoles, share):
    clock = FakeClock(datetime.now(UTC))  # near the real one: segment mtimes are real
    (a, sa), (b, sb) = consoles("a"), consoles("b", clock)
    incident = actions.open_incident(a.store, a.plan("power"))
    sync_all([sa, sb])
    first = peers.get(b.store, a.config.console_id).last_seen
    assert first is not None and abs((first - clock.now()).total_seconds()) < 1
    for advance, written in ((30, False), (31, True)):
        clock.advance(advance)
        actions.log(a.store, incident, f"{advance} s later")
        sync_all([sa, sb], rounds=1)
        seen = peers.get(b.store, a.config.console_id).last_seen
        assert (seen > first + timedelta(seconds=50)) is written, (advance, seen)
