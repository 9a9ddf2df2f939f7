"""`verify` walks every console's chain in the hub too, when the sync target is a hub: a
clean hub verifies ok; a row the hub's administrator altered, deleted or forged is named by
console and seq (against the chain and the local copy), across the walk's pages; a row
that is not an operation is named; the hub down is one line and exit 1."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from command_console.core.ops import Op
from command_console.data import actions
from command_console.data.sync import verify as verify_module
from command_console.data.sync.hub import shown_url
from tests.hub.conftest import PASSWORD
from tests.hub.hubtools import new_console, open_console, prepare_hub, run_cli, sync_until_ok


@pytest.fixture
def two_consoles(hub_db, tmp_path):
    """Consoles a and b on one hub, b with an incident and ten entries, both synced: each
    holds every row of the hub. Yields (a, b, a's workspace, b's workspace)."""
    prepare_hub(hub_db)
    a, b = (new_console(hub_db, tmp_path, name) for name in ("a", "b"))
    (wa, sa), (wb, sb) = open_console(a), open_console(b)
    try:
        incident = actions.open_incident(wb.store, wb.plan("power"))
        for n in range(10):
            actions.log(wb.store, incident, f"entry {n}")
        actions.log(wa.store, incident, "seen at console a")
        sync_until_ok(sb)
        sync_until_ok(sa)
        sa.close()
        sb.close()
        yield a, b, wa, wb
    finally:
        wa.close()
        wb.close()


def _seq_of(hub_db, console: str, text: str) -> int:
    with hub_db.admin() as conn:
        row = conn.execute(
            "SELECT seq FROM command_console.ops WHERE console_id = %s AND record LIKE %s",
            (console, f'%"text":"{text}"%'),
        ).fetchone()
    assert row is not None, text
    return int(row[0])


def _set_record(hub_db, console: str, seq: int, record: str) -> None:
    """As the superuser (consoles' roles may never UPDATE). The hub's CHECKs still hold: the
    record names its row, and the row names who wrote it last."""
    with hub_db.admin() as conn:
        conn.execute(
            "UPDATE command_console.ops SET record = %s, published_by = current_user "
            "WHERE console_id = %s AND seq = %s",
            (record, console, seq),
        )


def _record(hub_db, console: str, seq: int) -> str:
    with hub_db.admin() as conn:
        row = conn.execute(
            "SELECT record FROM command_console.ops WHERE console_id = %s AND seq = %s",
            (console, seq),
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_a_clean_hub_verifies_ok_across_pages(two_consoles, monkeypatch):
    a, b, wa, wb = two_consoles
    own = {
        c.console_id: w.store.scalar("SELECT count(*) FROM ops WHERE console_id = ?", c.console_id)
        for c, w in ((a, wa), (b, wb))
    }
    proc = run_cli(a.root, "verify", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for console, n in own.items():
        assert f"hub    {console}: {n} ops, seq 1-{n}, ok" in proc.stdout.splitlines(), proc.stdout
    assert proc.stdout.strip().endswith("0 problems") and proc.stderr == ""

    monkeypatch.setattr(verify_module, "PAGE", 3)  # every chain spans several pages
    summary, problems = verify_module.verify(wa.store, None, wa.config.sync_url)
    assert problems == []
    assert [line for line in summary if line.startswith("hub")] == [
        f"hub    {console}: {n} ops, seq 1-{n}, ok" for console, n in sorted(own.items())
    ]


def test_a_row_the_admin_altered_or_deleted_in_the_hub_is_named_with_its_seq(hub_db, two_consoles):
    a, b, _wa, wb = two_consoles
    altered = _seq_of(hub_db, b.console_id, "entry 2")
    deleted = _seq_of(hub_db, b.console_id, "entry 6")
    record = _record(hub_db, b.console_id, altered)
    _set_record(hub_db, b.console_id, altered, record.replace("entry 2", "entry 9"))
    with hub_db.admin() as conn:
        conn.execute(
            "DELETE FROM command_console.ops WHERE console_id = %s AND seq = %s",
            (b.console_id, deleted),
        )
    proc = run_cli(a.root, "verify", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    problems = proc.stderr.splitlines()
    hub = f"problem: hub {b.console_id}"
    assert f"{hub}: seq {altered}: hash does not match content (tampered or damaged)" in problems
    assert any(
        line.startswith(f"{hub} seq {altered}: differs from the local copy") for line in problems
    ), problems
    assert f"{hub}: gap, seq {deleted}-{deleted} missing" in problems, problems
    n = wb.store.scalar("SELECT count(*) FROM ops WHERE console_id = ?", b.console_id)
    assert f"hub    {b.console_id}: {n - 1} ops, seq 1-{n}, 3 problems" in proc.stdout
    assert f"hub    {a.console_id}: " in proc.stdout  # the other console's chain is whole
    assert not any(line.startswith(f"problem: hub {a.console_id}") for line in problems)
    assert not any(line.startswith("problem: local") for line in problems)  # local log intact


def test_a_forged_row_breaks_the_link_across_pages_and_a_non_operation_is_named(
    hub_db, two_consoles, monkeypatch
):
    """A forger who rewrites a row and its hash: the row itself is self-consistent, so the
    next row's link (on the next page) and the local copy give it away."""
    a, b, wa, _wb = two_consoles
    forged = _seq_of(hub_db, b.console_id, "entry 3")
    op = Op.from_dict(json.loads(_record(hub_db, b.console_id, forged)))
    rewritten = replace(op, payload={**op.payload, "text": "nothing happened"}).sealed()
    _set_record(hub_db, b.console_id, forged, rewritten.to_json())
    junk = _seq_of(hub_db, b.console_id, "entry 7")
    _set_record(hub_db, b.console_id, junk, json.dumps({"console_id": b.console_id, "seq": junk}))
    monkeypatch.setattr(verify_module, "PAGE", forged)  # the forged row ends the first page
    _summary, problems = verify_module.verify(wa.store, None, wa.config.sync_url)
    where = f"hub {b.console_id}"
    assert not any(p.startswith(f"{where}: seq {forged}:") for p in problems)  # self-consistent
    assert (
        f"{where}: seq {forged + 1}: does not link to seq {forged} "
        "(chain broken: tampered or replaced)"
    ) in problems, problems
    assert any(p.startswith(f"{where} seq {forged}: differs from the local copy") for p in problems)
    assert any(p.startswith(f"{where} seq {junk}: not an operation") for p in problems), problems
    assert not any(p.startswith(f"hub {a.console_id}") for p in problems)


def test_the_hub_down_is_one_line_and_exit_1_and_local_still_verifies(hub_db, tmp_path):
    prepare_hub(hub_db)
    a = new_console(hub_db, tmp_path, "a")
    wa, sa = open_console(a)
    try:
        actions.open_incident(wa.store, wa.plan("power"))
        sync_until_ok(sa)
        url = wa.config.sync_url
    finally:
        sa.close()
        wa.close()
    hub_db.cluster.stop("fast")
    proc = run_cli(a.root, "verify", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"problem: hub {shown_url(url)}: "), lines
    assert PASSWORD not in proc.stdout + proc.stderr and a.role not in proc.stderr
    assert f"local  {a.console_id}: " in proc.stdout and "1 problems" in proc.stdout
    local_only = run_cli(a.root, "verify", "--local", check=False)
    assert local_only.returncode == 0 and local_only.stderr == "", local_only.stderr
    assert "hub" not in local_only.stdout
