"""`verify` walks every console's chain in the hub too, when the sync target is a hub: a
clean hub verifies ok; a row the hub's administrator altered, deleted or forged is named by
console and seq (against the chain and the local copy), across the walk's pages; a row
that is not an operation is named; the hub down is one line and exit 1."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from command_console.core.ops import Op
from command_console.data import actions
from command_console.data.sync import keys, verify_chain
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

    monkeypatch.setattr(verify_chain, "PAGE", 3)  # every chain spans several pages
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
    monkeypatch.setattr(verify_chain, "PAGE", forged)  # the forged row ends the first page
    _summary, problems = verify_module.verify(wa.store, None, wa.config.sync_url)
    where = f"hub {b.console_id}"
    assert not any(  # self-consistent: its hash matches its content
        p.startswith(f"{where}: seq {forged}:") and "(tampered or damaged)" in p for p in problems
    )
    # ... but the forger cannot sign it: b's signature was over the old hash (and the next
    # row, on the next page, does not vouch for it)
    assert (
        f"{where}: seq {forged}: signature does not verify with the key pinned for console "
        f"{b.console_id}"
    ) in problems, problems
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
    assert f"local  {a.console_id}: " in proc.stdout
    assert proc.stdout.splitlines()[-1] == "1 problem", proc.stdout
    local_only = run_cli(a.root, "verify", "--local", check=False)
    assert local_only.returncode == 0 and local_only.stderr == "", local_only.stderr
    assert "hub" not in local_only.stdout


def _insert_record(hub_db, console: str, seq: int, record: str) -> None:
    """A new row, as the superuser (who may write any console's rows)."""
    with hub_db.admin() as conn:
        conn.execute(
            "INSERT INTO command_console.ops (console_id, seq, record) VALUES (%s, %s, %s)",
            (console, seq, record),
        )


def test_a_row_signed_with_another_key_is_named_and_a_good_signature_vouches_across_pages(
    hub_db, two_consoles, monkeypatch
):
    """Rows whose hash and chain hold but whose signature is not b's: the check walks from
    the newest, a page at a time in seq order, so what vouches for a page's last row is on
    the next page."""
    a, b, wa, _wb = two_consoles
    forger, _pem = keys.generate()
    page = 4
    # Seq 4 ends the first page: its signature swapped for the forger's, its hash and link
    # untouched. Seq 5, b's own on the next page, names its hash: b vouches for it (as
    # sync's door would take it).
    swapped = Op.from_dict(json.loads(_record(hub_db, b.console_id, page)))
    _set_record(
        hub_db, b.console_id, page, replace(swapped, sig=forger.sign(swapped.hash)).to_json()
    )
    # Seq 8 ends the second page: rewritten (another author) and signed by the forger. Seq
    # 9 does not link to it and cannot vouch for it.
    rewritten = Op.from_dict(json.loads(_record(hub_db, b.console_id, 2 * page)))
    rewritten = replace(rewritten, author="Mallory").sealed()
    _set_record(
        hub_db,
        b.console_id,
        2 * page,
        replace(rewritten, sig=forger.sign(rewritten.hash)).to_json(),
    )
    # One more row on top of b's chain, well linked, signed by the forger.
    with hub_db.admin() as conn:
        head = int(
            conn.execute(
                "SELECT max(seq) FROM command_console.ops WHERE console_id = %s", (b.console_id,)
            ).fetchone()[0]
        )
    last = Op.from_dict(json.loads(_record(hub_db, b.console_id, head)))
    added = replace(
        last,
        id=last.id[:-4] + "beef",
        seq=head + 1,
        prev_hash=last.hash,
        payload={**last.payload, "text": "an entry b never wrote"},
    ).sealed()
    _insert_record(
        hub_db, b.console_id, head + 1, replace(added, sig=forger.sign(added.hash)).to_json()
    )
    where = f"hub {b.console_id}"
    forged = f"signature does not verify with the key pinned for console {b.console_id}"

    monkeypatch.setattr(verify_chain, "PAGE", page)
    summary, problems = verify_module.verify(wa.store, None, wa.config.sync_url)
    assert f"{where}: seq {2 * page}: {forged}" in problems, problems
    assert f"{where}: seq {head + 1}: {forged}" in problems, problems
    signature_lines = [p for p in problems if "signature" in p or "signed" in p]
    assert len(signature_lines) == 2, signature_lines  # not seq 4: b's seq 5 vouches for it
    assert any(p.startswith(f"{where} seq {page}: differs from the local copy") for p in problems)
    assert f"{where}: seq {2 * page + 1}: does not link to seq {2 * page} " in " ".join(problems)
    assert not any(p.startswith(f"hub {a.console_id}") for p in problems), problems
    assert f"hub    {b.console_id}: {head + 1} ops, seq 1-{head + 1}, 5 problems" in summary, (
        problems
    )

    # The CLI (its own process: pages of PULL_BATCH), in zh-CN: the same problems,
    # nothing left in English.
    proc = run_cli(a.root, "--lang", "zh-CN", "verify", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines() + proc.stderr.splitlines()
    said = "\n".join(lines)
    for ours in (a.console_id, b.console_id):
        said = said.replace(ours, "<id>")
    assert not [w for w in re.findall(r"[A-Za-z]{2,}", said) if w != "id"], said
    assert f"问题：中心库 <id>：序号 {2 * page}：签名无法用为控制台 <id> 固定的密钥验证" in said
    assert f"问题：中心库 <id>：序号 {head + 1}：签名无法用为控制台 <id> 固定的密钥验证" in said
    assert f"中心库 <id>：{head + 1} 条操作，序号 1-{head + 1}，" in said
    assert lines[len(proc.stdout.splitlines()) - 1] == f"{len(proc.stderr.splitlines())} 个问题"
