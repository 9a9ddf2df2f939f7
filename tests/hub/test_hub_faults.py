"""Faults through the hub (issue #16), real processes and a real server: `command-console
sync` killed with SIGKILL while its rows are inserted and not yet committed or just after
they were committed (before the console noted it), and the hub
restarted (as if it crashed) while a console publishes and while another pulls. After
each, a plain sync finishes the job: every acknowledged entry exactly once on every
console and in the hub, nothing stuck unpublished."""

from __future__ import annotations

from tests.hub.hubtools import (
    COMMITTED,
    CONNECTED,
    WRITING,
    cli_sync,
    converged,
    entries_once,
    hub_counts,
    new_console,
    open_console,
    prepare_hub,
    run_cli,
    sync_until_ok,
    when_busy,
)

BATCH = 1_000  # entries per write: a publish transaction long enough to be caught


def _write(workspace, incident: str, tag: str, count: int = BATCH) -> list[str]:
    """Acknowledged entries: append_many returned, so they are committed locally."""
    texts = [f"{tag}-{n}" for n in range(count)]
    workspace.store.append_many(
        [("entry.add", {"incident_id": incident, "kind": "note", "text": t}) for t in texts]
    )
    return texts


def _one_line_or_ok(proc) -> None:
    _out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    if proc.returncode not in (0, -9):
        assert proc.returncode == 1 and len(err.strip().splitlines()) == 1, (proc.returncode, err)


def _two_consoles(hub_db, tmp_path):
    from command_console.data import actions

    prepare_hub(hub_db)
    a, b = (new_console(hub_db, tmp_path, name) for name in ("a", "b"))
    (wa, sa), (wb, sb) = open_console(a), open_console(b)
    incident = actions.open_incident(wa.store, wa.plan("power"))
    return a, b, (wa, sa), (wb, sb), incident


def test_kill9_of_a_console_mid_push_loses_and_duplicates_nothing(hub_db, tmp_path):
    a, _b, (wa, sa), (wb, sb), incident = _two_consoles(hub_db, tmp_path)
    try:
        texts, caught = [], []
        for cycle, probe in enumerate((WRITING, COMMITTED, WRITING)):
            texts += _write(wa, incident, f"cycle{cycle}")
            held = hub_counts(hub_db.admin_url)[a.console_id]
            params = (a.role,) if probe is WRITING else (held, a.console_id)
            proc = cli_sync(a.root)
            caught.append(when_busy(hub_db.admin_url, params, proc, probe, proc.kill))
            _one_line_or_ok(proc)
        # killed while inserting (rolled back), and after a commit before the console noted
        # it (the next push repeats rows the hub holds: ON CONFLICT must keep them once)
        assert sum(caught) >= 2, f"killed mid-push in {caught}"
        run_cli(a.root, "sync")
        for syncer in (sb, sa):  # b publishes its own and pulls a's; a pulls b's
            sync_until_ok(syncer)
        assert entries_once(wa, texts) == [] and entries_once(wb, texts) == []
        converged([wa, wb], hub_db.admin_url)
    finally:
        wa.close()
        wb.close()


def test_hub_restart_mid_publish_and_mid_pull_loses_and_duplicates_nothing(hub_db, tmp_path):
    a, b, (wa, sa), (wb, sb), incident = _two_consoles(hub_db, tmp_path)
    cluster = hub_db.cluster
    try:
        texts = _write(wa, incident, "before", 2 * BATCH)
        proc = cli_sync(a.root)
        assert when_busy(
            hub_db.admin_url, (a.role,), proc, WRITING, lambda: cluster.restart("immediate")
        ), "the publish finished before the hub could be restarted"
        _one_line_or_ok(proc)
        run_cli(a.root, "sync")  # what the crash rolled back is published now
        proc = cli_sync(b.root)
        assert when_busy(
            hub_db.admin_url, (b.role,), proc, CONNECTED, lambda: cluster.restart("fast")
        ), "b's sync finished before the hub could be restarted"
        _one_line_or_ok(proc)
        run_cli(b.root, "sync")
        for syncer in (sb, sa):  # connections the restart broke are reopened
            sync_until_ok(syncer)
        assert entries_once(wa, texts) == [] and entries_once(wb, texts) == []
        converged([wa, wb], hub_db.admin_url)
    finally:
        wa.close()
        wb.close()
