"""Sync figures (issue 4).

1. Three consoles x N operations (default 10,000), each written by its own process while
   `command-console sync --watch` runs beside it (separate data dirs, one shared folder):
   how long after the last write all three hold every operation, and whether their
   folded tables are then identical.
2. A sync with nothing new on a 100,000-operation history (3 consoles' worth, published
   through the real Syncer): median / min / max over many passes, against the 50 ms
   budget; and, for contrast, a sync that brings one new operation.

Run: python -m bench.sync_bench [--ops 10000] [--history 100000] [--passes 50]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench import let_children_be_interrupted
from command_console.core.ops import GENESIS_HASH, Op, entity_of
from command_console.data import actions, queries
from command_console.data.sync import Syncer
from command_console.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


def stats(values_ms: list[float]) -> str:
    return f"median {statistics.median(values_ms):7.2f} ms  min {min(values_ms):7.2f}  max {max(values_ms):7.2f}"


# -- 1. three consoles writing at once ------------------------------------------------


def writer(data_dir: str, count: int, rate: float) -> None:
    """Child process: wait for 'go', write count operations one durable commit each, report.

    rate (ops/s, 0 = flat out) follows an absolute schedule, so a late wake-up is made up
    by writing back to back. Gaps between writes let the sync process beside it take
    SQLite's write lock; a writer committing back to back for minutes starves it."""
    workspace = Workspace.open(data_dir)
    store, rng = workspace.store, random.Random(data_dir)
    incident = queries.list_incidents(store)[0].id
    steps = [s.step_id for s in queries.get_incident(store, incident).steps]
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sys.stdin.readline()
    start = time.time()
    for n in range(count):
        roll = rng.random()
        if roll < 0.8:
            actions.log(store, incident, f"{workspace.config.console_id} entry {n}")
        elif roll < 0.9:
            from command_console.core.incidents import StepState

            actions.set_step(
                store, incident, rng.choice(steps), rng.choice([StepState.DONE, StepState.PENDING])
            )
        elif roll < 0.97:
            actions.set_report_field(
                store, incident, rng.choice(["impact", "measures", "trend"]), f"value {n}"
            )
        else:
            actions.set_severity(
                store, incident, actions.parse_severity(rng.choice(["general", "serious", "major"]))
            )
        if rate:
            ahead = start + (n + 1) / rate - time.time()
            if ahead > 0:
                time.sleep(ahead)
    end = time.time()
    own = store.scalar("SELECT count(*) FROM ops WHERE console_id = ?", workspace.config.console_id)
    print(f"done {start} {end} {own}", flush=True)


def count_ops(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM ops").fetchone()[0]
    finally:
        conn.close()


def bench_three_consoles(folder: Path, count: int, rate: float) -> None:
    share = folder / "share"
    share.mkdir()
    dirs = [folder / name for name in ("one", "two", "three")]
    for data_dir in dirs:
        workspace = Workspace.open(data_dir)
        workspace.initialise(sync_dir=str(share))
        actions.open_incident(workspace.store, workspace.plan("power"))
        workspace.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    watchers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "command_console",
                "--data-dir",
                str(d),
                "sync",
                "--watch",
                "--interval",
                "1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        for d in dirs
    ]
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.sync_bench",
                "--role-writer",
                str(d),
                str(count),
                str(rate),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for d in dirs
    ]
    for proc in writers:
        assert proc.stdout.readline() == "ready\n"
    for proc in writers:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    done = []
    for proc in writers:
        line = proc.stdout.readline().split()
        proc.wait()
        done.append((float(line[1]), float(line[2]), int(line[3])))
    last_write = max(end for _, end, _ in done)
    expected = sum(own for _, _, own in done)
    dbs = [d / "console.db" for d in dirs]
    while True:
        counts = [count_ops(db) for db in dbs]
        if all(c == expected for c in counts) or time.time() - last_write > 300:
            break
        time.sleep(0.02)
    converged = time.time() - last_write
    for proc in watchers:
        proc.send_signal(signal.SIGINT)
    for proc in watchers:
        proc.wait(timeout=30)
    workspaces = [Workspace.open(d) for d in dirs]
    digests = [w.store.table_digest() for w in workspaces]
    write_s = last_write - min(start for start, _, _ in done)
    print(
        f"three consoles x {count} operations written at once in {write_s:.1f} s "
        f"({3 * count / write_s:.0f} ops/s in total; asked {rate:g}/s per console, 0 = flat out) "
        f"with `sync --watch` running beside each"
    )
    print(
        f"  every console holds all {expected} operations {converged:.2f} s after the last write "
        f"(target 2 s: {'met' if converged <= 2 else 'MISSED'}, ratio {converged / 2:.2f})"
    )
    print(
        f"  folded tables identical on all three: {digests[0] == digests[1] == digests[2]}; "
        f"share files per console: {[len(list((share / w.config.console_id).iterdir())) for w in workspaces]}"
    )
    for w in workspaces:
        w.close()


# -- 2. a sync with nothing new on a large history -------------------------------------


def chain(store, console: str, count: int, start_ms: int, rng: random.Random) -> list[Op]:
    """A valid hash-chained history continuing a console's log: incidents with entries and edits."""
    from command_console.data.actions import plan_snapshot

    plan = plan_snapshot(_plan())
    last = store.all_ops()[-1] if store.op_count() else None
    ops, prev, hlc, incident = (
        [],
        last.hash if last else GENESIS_HASH,
        last.hlc if last else 0,
        None,
    )
    first = last.seq + 1 if last else 1
    for seq in range(first, first + count):
        if incident is None or rng.random() < 0.01:
            incident = f"{seq}-{console}"
            kind, payload = (
                "incident.open",
                {
                    "id": incident,
                    "title": f"incident {seq}",
                    "plan": plan,
                    "severity": "serious",
                    "started_at": start_ms,
                },
            )
        elif rng.random() < 0.1:
            kind, payload = (
                "report.set",
                {"incident_id": incident, "field": "impact", "value": f"v{seq}", "base": None},
            )
        else:
            kind, payload = (
                "entry.add",
                {"incident_id": incident, "kind": "note", "text": f"{console} entry {seq} 排队"},
            )
        hlc = max((start_ms + (seq - first) * 50) << 16, hlc + 1)
        op = Op(
            id=os.urandom(16).hex(),
            console_id=console,
            seq=seq,
            hlc=hlc,
            kind=kind,
            entity=entity_of(kind, payload),
            author="bench",
            payload=payload,
            prev_hash=prev,
            wall=hlc >> 16,
        ).sealed()
        if store.signer is not None:
            op = replace(op, sig=store.signer.sign(op.hash))
        ops.append(op)
        prev = op.hash
    return ops


_PLAN = None


def _plan():
    global _PLAN
    if _PLAN is None:
        from command_console.data.plan_files import load_library
        from command_console.paths import shipped_plans_dir

        _PLAN = load_library([shipped_plans_dir()]).sorted()[0]
    return _PLAN


def bench_noop(folder: Path, history: int, passes: int) -> None:
    share = folder / "share"
    share.mkdir()
    rng = random.Random(4)
    start_ms = int(time.time() * 1000) - history * 50
    workspaces = []
    for name in ("a", "b", "c"):
        workspace = Workspace.open(folder / name)
        workspace.initialise(sync_dir=str(share))
        workspaces.append(workspace)
    per = history // 3
    started = time.perf_counter()
    histories = []
    for w in workspaces:
        histories.append(chain(w.store, w.config.console_id, per, start_ms, rng))
        w.store.merge(histories[-1])  # each console's own history
    c = workspaces[2]
    c.store.merge([op for w in workspaces[:2] for op in w.store.all_ops()])  # c holds everything
    total = workspaces[2].store.op_count()
    print(
        f"history: {total} operations on console c ({history} synthetic, hash-chained), "
        f"loaded in {time.perf_counter() - started:.1f} s"
    )
    syncers = [Syncer(w) for w in workspaces]
    started = time.perf_counter()
    for syncer in syncers + syncers:
        syncer.sync_once(wait=True)
    print(
        f"  first publish of all three histories + catch-up: {time.perf_counter() - started:.1f} s; "
        f"share files: {sum(len(os.listdir(d)) for d in share.iterdir() if d.is_dir())}"
    )
    c = syncers[2]
    assert c.store.op_count() == sum(
        w.store.scalar("SELECT count(*) FROM ops WHERE console_id = ?", w.config.console_id)
        for w in workspaces
    )
    timings, reads = [], 0
    for _ in range(passes):
        t0 = time.perf_counter()
        result = c.sync_once()
        timings.append((time.perf_counter() - t0) * 1000)
        reads += result.files_read + result.applied + result.published
    print(
        f"  no-op sync on {total} ops (n={passes}): {stats(timings)}  "
        f"(budget 50 ms; median/budget {statistics.median(timings) / 50:.2f}; files read/applied: {reads})"
    )
    cold = []
    for _ in range(10):
        t0 = time.perf_counter()
        Syncer(workspaces[2]).sync_once()
        cold.append((time.perf_counter() - t0) * 1000)
    print(f"  no-op sync, new Syncer object each time (n=10):        {stats(cold)}")
    a, incident = workspaces[0], histories[0][-1].entity.split(":", 1)[1]
    one = []
    for n in range(20):
        actions.log(a.store, incident, f"fresh {n}")
        syncers[0].sync_once()
        t0 = time.perf_counter()
        result = c.sync_once()
        one.append((time.perf_counter() - t0) * 1000)
        assert result.applied == 1, result
    print(f"  sync bringing 1 new operation (n=20):                  {stats(one)}")
    for w in workspaces:
        w.close()


def main() -> None:
    let_children_be_interrupted()
    if len(sys.argv) == 5 and sys.argv[1] == "--role-writer":
        writer(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=10_000, help="operations per console in part 1")
    parser.add_argument("--history", type=int, default=100_000, help="history size in part 2")
    parser.add_argument("--passes", type=int, default=50)
    parser.add_argument(
        "--rate", type=float, default=100.0, help="operations per second per console (0: flat out)"
    )
    parser.add_argument("--only", choices=["converge", "noop"])
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "noop":
            (Path(tmp) / "p1").mkdir()
            bench_three_consoles(Path(tmp) / "p1", args.ops, args.rate)
        if args.only != "converge":
            (Path(tmp) / "p2").mkdir()
            bench_noop(Path(tmp) / "p2", args.history, args.passes)


if __name__ == "__main__":
    main()
