"""Failover (issue #16): a primary and a streaming standby on loopback; consoles hold a
libpq multi-host URL with target_session_attrs=read-write. The primary stops, the standby
is promoted, and the consoles go on publishing through it with nothing lost: every
acknowledged entry once on every console and in the promoted hub."""

from __future__ import annotations

import time

import pytest

from command_console.data import actions
from tests.hub.conftest import PASSWORD, new_hub_db
from tests.hub.hubtools import (
    converged,
    entries_once,
    hub_counts,
    new_console,
    open_console,
    prepare_hub,
    run_cli,
    sync_until_ok,
)


@pytest.fixture
def pair(make_cluster, monkeypatch):
    """(primary, standby, hub database) with the hub schema; the database and roles reach the
    standby by streaming."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    primary = make_cluster("primary")
    db = new_hub_db(primary)
    prepare_hub(db)
    standby = make_cluster("standby", standby_of=primary)
    return primary, standby, db


def _multi_host(primary, standby, dbname):
    def url_for(role: str) -> str:
        return (
            f"postgresql://{role}@127.0.0.1:{primary.port},127.0.0.1:{standby.port}/{dbname}"
            "?target_session_attrs=read-write"
        )

    return url_for


def _caught_up(primary, standby, dbname, timeout: float = 30) -> None:
    want = hub_counts(primary.admin_url(dbname))
    deadline = time.monotonic() + timeout
    while hub_counts(standby.admin_url(dbname)) != want:
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


def _write(workspace, incident, tag: str, count: int = 20) -> list[str]:
    texts = [f"{tag}-{n}" for n in range(count)]
    for text in texts:
        actions.log(workspace.store, incident, text)
    return texts


def test_consoles_go_on_publishing_through_the_promoted_standby(pair, tmp_path):
    primary, standby, db = pair
    url_for = _multi_host(primary, standby, db.dbname)
    consoles = [new_console(db, tmp_path, name, url_for) for name in ("a", "b")]
    (wa, sa), (wb, sb) = opened = [open_console(c) for c in consoles]
    try:
        incident = actions.open_incident(wa.store, wa.plan("power"))
        texts = _write(wa, incident, "before a") + _write(wb, incident, "before b")
        for syncer in (sa, sb, sa):
            assert syncer.sync_once(wait=True).hub_ok
        _caught_up(primary, standby, db.dbname)
        primary.stop("fast")
        standby.promote()
        texts += _write(wa, incident, "after a") + _write(wb, incident, "after b")
        for syncer in (sa, sb, sa):  # their connections to the old primary are dead
            sync_until_ok(syncer)
        texts += _write(wa, incident, "after, by the CLI")
        run_cli(consoles[0].root, "sync")  # a fresh process finds the new primary too
        sync_until_ok(sb)
        sync_until_ok(sa)
        for workspace in (wa, wb):
            assert entries_once(workspace, texts) == []
        converged([wa, wb], standby.admin_url(db.dbname))
    finally:
        for workspace, syncer in opened:
            syncer.close()
            workspace.close()


def test_ops_the_standby_never_received_are_published_again_after_failover(pair, tmp_path):
    """Asynchronous replication: what the old primary acknowledged last may never reach the
    standby. The consoles still hold those ops (their SQLite is the acknowledgement), so the
    promoted hub must get them again, and a console that joins later must receive them."""
    primary, standby, db = pair
    url_for = _multi_host(primary, standby, db.dbname)
    consoles = [new_console(db, tmp_path, name, url_for) for name in ("a", "b", "c")]
    (wa, sa), (wb, sb), (wc, sc) = opened = [open_console(c) for c in consoles]
    try:
        incident = actions.open_incident(wa.store, wa.plan("power"))
        texts = _write(wa, incident, "replicated")
        assert sa.sync_once(wait=True).hub_ok
        _caught_up(primary, standby, db.dbname)
        standby.stop("fast")  # the standby falls behind (a slow link, a paused replay)
        texts += _write(wa, incident, "only on the old primary")
        assert sa.sync_once(wait=True).hub_ok and sb.sync_once(wait=True).hub_ok
        primary.stop("immediate")  # the primary dies before the standby had them
        standby.start()
        standby.promote()
        texts += _write(wa, incident, "after failover")
        for syncer in (sa, sb, sc, sa, sb, sc):
            sync_until_ok(syncer)
        for workspace in (wa, wb, wc):
            assert entries_once(workspace, texts) == [], workspace.config.console_id
        converged([wa, wb, wc], standby.admin_url(db.dbname))
    finally:
        for workspace, syncer in opened:
            syncer.close()
            workspace.close()
