"""`verify` on the shared folder: signatures checked as sync's door checks them (the key
pinned for each console; a good signature vouches for the chained run before it), and its
output said in the chosen language, zh-CN as well as English. Real data dirs, a real
shared folder, forged files from tests/sync/hostile.py; the CLI in this process."""

from __future__ import annotations

import random
import re
import secrets
import time
from pathlib import Path

from command_console.core.ops import Op
from command_console.data import actions
from command_console.data.sync import admit, keys
from command_console.data.sync.verify import verify
from command_console.data.sync.verify_signatures import Signatures
from tests.sync import hostile as h
from tests.sync.conftest import run_cli_in_process as run_cli


def _now_ms() -> int:
    return int(time.time() * 1000)


def _synced_pair(consoles, share):
    """Consoles a and b on one share, b with an incident and three entries; both synced,
    so a has pinned b's key. Returns (a, b, b's incident)."""
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    a.initialise(sync_dir=str(share))
    b.initialise(sync_dir=str(share))
    incident = actions.open_incident(b.store, b.plan("power"))
    for n in range(3):
        actions.log(b.store, incident, f"entry {n}")
    assert sb.sync_once(wait=True).share_ok
    assert sa.sync_once(wait=True).share_ok
    return a, b, incident


def _entry(console: str, seq: int, incident: str, text: str, prev_hash: str, **how) -> dict:
    return h.op(
        console,
        seq,
        "entry.add",
        {"incident_id": incident, "kind": "note", "text": text},
        prev_hash=prev_hash,
        ms=_now_ms(),
        **how,
    )


def _top(share: Path, console: str) -> dict:
    records = h.folder_records(share / console)
    return records[max(records)]


def test_an_op_signed_with_another_key_or_unsigned_in_the_share_is_named_with_file_and_seq(
    consoles, share
):
    a, b, incident = _synced_pair(consoles, share)
    b_id, folder = b.config.console_id, share / b.config.console_id
    top = _top(share, b_id)
    n = top["seq"]
    # Well chained onto b's last op, a valid operation of format 2, but signed by a forger.
    forged = _entry(
        b_id, n + 1, incident, "forged", top["hash"], signer=h.new_signer(), v=2, author="b"
    )
    forged_file = h.drop_ops(folder, b_id, [forged], _now_ms())
    proc = run_cli(a.paths.root, "verify", check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        f"problem: {forged_file}: seq {n + 1}: signature does not verify with the key pinned "
        f"for console {b_id}"
    ], proc.stderr
    assert f"share  {b_id}: {n + 1} ops, seq 1-{n + 1}, 1 problem" in proc.stdout.splitlines()
    assert proc.stdout.splitlines()[-1] == "1 problem", proc.stdout

    # On top of it: an op of format 1 (no signature: from before signatures), and one of
    # format 2 without one. Nothing signed after them vouches for them, or for the forgery.
    legacy = _entry(b_id, n + 2, incident, "legacy", forged["hash"], v=1)
    legacy_file = h.drop_ops(folder, b_id, [legacy], _now_ms())
    bare = _entry(b_id, n + 3, incident, "bare", legacy["hash"], v=2)
    assert bare["sig"] == ""
    bare_file = h.drop_ops(folder, b_id, [bare], _now_ms())
    summary, problems = verify(a.store, share)
    assert sorted(problems) == sorted(
        [
            f"{forged_file}: seq {n + 1}: signature does not verify with the key pinned for "
            f"console {b_id}",
            f"{legacy_file}: seq {n + 2}: not signed, and no signed operation after it vouches "
            "for it",
            f"{bare_file}: seq {n + 3}: not signed, and no signed operation after it vouches "
            "for it",
        ]
    ), problems
    assert f"share  {b_id}: {n + 3} ops, seq 1-{n + 3}, 3 problems" in summary


def test_a_console_whose_key_is_not_pinned_says_so_once_and_no_op_is_called_forged(consoles, share):
    a, _b, _incident = _synced_pair(consoles, share)
    folder = share / "zz9"  # appeared after a's last sync: a has not pinned its key
    signer = h.new_signer()
    h.publish_key(folder, signer.public_key)
    first = _entry("zz9", 1, "1-zz9", "unsigned", h.GENESIS, v=2)
    h.drop_ops(folder, "zz9", [first], _now_ms())
    summary, problems = verify(a.store, share)
    assert problems == []
    assert (
        "share  zz9: 1 op, seq 1-1, ok; signatures not checked (no key pinned for console zz9)"
    ) in summary, summary
    assert sum("signatures not checked" in line for line in summary) == 1, summary


def _english_words(line: str, ids: list[str]) -> list[str]:
    """Words in Latin letters left in a line once paths and console ids are taken out ('id'
    is how the catalog says a console's id)."""
    line = re.sub(r"(?:/[^\s：（）'，]+)+", "<path>", line)
    for console_id in sorted(ids, key=len, reverse=True):
        line = line.replace(console_id, "<id>")
    return [w for w in re.findall(r"[A-Za-z]{2,}", line) if w not in ("id", "path")]


def test_verify_in_zh_cn_says_every_problem_and_summary_in_chinese(consoles, share):
    a, b, incident = _synced_pair(consoles, share)
    a_id, b_id = a.config.console_id, b.config.console_id
    folder = share / b_id
    top = _top(share, b_id)
    n = top["seq"]
    # The share: a forged signature, an unsigned op that breaks the chain, a foreign file,
    # another console's op in b's folder, a second copy of seq 2 that differs.
    forged = _entry(b_id, n + 1, incident, "forged", top["hash"], signer=h.new_signer(), v=2)
    h.drop_ops(folder, b_id, [forged], _now_ms())
    h.drop_ops(folder, b_id, [_entry(b_id, n + 2, incident, "x", "f" * 64, v=1)], _now_ms())
    (folder / "notes.txt").write_text("not a segment")
    h.drop_ops(folder, b_id, [_entry("zz8", 5, incident, "elsewhere", h.GENESIS)], _now_ms())
    h.drop_ops(folder, b_id, [_entry(b_id, 2, incident, "other copy", "0" * 64)], _now_ms())
    # A console a has not pinned, with a gap.
    other = share / "zz9"
    h.publish_key(other, h.new_signer().public_key)
    one = _entry("zz9", 1, "1-zz9", "one", h.GENESIS)
    h.drop_ops(other, "zz9", [one, _entry("zz9", 3, "1-zz9", "three", "e" * 64)], _now_ms())
    # The local log: b's seq 3 changed, seq 2 deleted.
    with a.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE ops SET payload = replace(payload, 'entry 1', 'entry 9') WHERE console_id = ?",
            (b_id,),
        )
        conn.exec_driver_sql("DELETE FROM ops WHERE console_id = ? AND seq = 2", (b_id,))
    a.close()

    english = run_cli(a.paths.root, "verify", check=False)
    assert english.returncode == 1
    for line in (
        f"problem: local log, console {b_id}: gap, seq 2-2 missing",
        f"problem: share {folder}: seq {n + 2}: does not link to seq {n + 1} (chain broken: "
        "tampered or replaced)",
        f"problem: {folder / 'notes.txt'}: not a segment file (foreign file)",
        f"problem: share {other}: gap, seq 2-2 missing",
    ):
        assert line in english.stderr.splitlines(), english.stderr
    assert "hash does not match content (tampered or damaged)" in english.stderr

    proc = run_cli(a.paths.root, "--lang", "zh-CN", "verify", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines() + proc.stderr.splitlines()
    ids = [a_id, b_id, "zz8", "zz9"]
    left = {line: _english_words(line, ids) for line in lines}
    assert not {line: words for line, words in left.items() if words}, left
    assert len(proc.stderr.splitlines()) == len(english.stderr.splitlines()) == 10
    said = "\n".join(lines)
    for words in (
        "本地 ",  # summary lines
        "共享文件夹 ",
        "条操作，序号",
        "个问题",
        "未检查签名（尚未固定控制台 zz9 的密钥）",
        "有缺口，序号 2-2 缺失",
        "哈希与内容不符（被篡改或已损坏）",
        f"未链接到序号 {n + 1}（哈希链断裂：被篡改或被替换）",
        "不是段文件（外来文件）",
        "属于控制台 'zz8'",
        "与共享文件夹中的另一份副本不同",
        "与本地副本不同（被篡改）",
        f"签名无法用为控制台 {b_id} 固定的密钥验证",
        "没有签名，其后也没有已签名的操作为它担保",
    ):
        assert words in said, (words, said)
    assert proc.stdout.splitlines()[-1] == f"{len(proc.stderr.splitlines())} 个问题"

    share.rename(share.with_name("gone"))
    gone = run_cli(a.paths.root, "--lang", "zh-CN", "verify", check=False)
    assert f"问题：{share}：共享文件夹不可用" in gone.stderr.splitlines(), gone.stderr
    assert gone.stdout.splitlines()[-1] == "3 个问题", gone.stdout  # and the local log's two


def test_paged_signature_walk_finds_what_the_door_finds_however_the_pages_fall():
    """The walk from the newest, fed a page at a time in seq order (the hub's), finds the
    same ops as admit.unsigned over the whole chain: an op at a page's end vouched for by
    the next page's first, a forgery there, runs of unsigned ops across several pages."""
    good, _pem = keys.generate()
    forger, _pem = keys.generate()
    rng = random.Random(11)
    for _ in range(2000):
        chain: list[Op] = []
        prev = h.GENESIS
        for seq in range(1, rng.randint(1, 16) + 1):
            op_hash = secrets.token_hex(32)
            sig = rng.choice([good.sign(op_hash)] * 2 + ["", forger.sign(op_hash), "not base64!"])
            link = prev if rng.random() > 0.15 else secrets.token_hex(32)
            chain.append(Op("i", "c", seq, 0, "k", "e", "a", {}, link, op_hash, 2, 0, sig))
            prev = op_hash
        cuts = sorted(rng.sample(range(1, len(chain)), rng.randint(0, len(chain) - 1)))
        walk, runs = Signatures(good.public_key), []
        for first, end in zip([0, *cuts], [*cuts, len(chain)], strict=True):
            runs += walk.page({op.seq: op for op in chain[first:end]})
        runs += walk.end()
        found = [seq for run in runs for seq in range(run.first, run.last + 1)]
        assert sorted(found) == sorted(admit.unsigned(chain, good.public_key)), (cuts, runs)
