"""Store and CLI figures (issue 2): durable append p99, and `command-console log` vs `import sqlmodel`.

Run: python -m bench.store_bench [--runs N]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.dataset import build
from command_console.data import actions


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def summary(name: str, values_ms: list[float]) -> str:
    return (
        f"{name:<44} median {statistics.median(values_ms):7.2f} ms  min {min(values_ms):7.2f}  "
        f"max {max(values_ms):7.2f}  p99 {percentile(values_ms, 99):7.2f}"
    )


def bench_append(workspace, count: int) -> list[float]:
    incident = actions.open_incident(workspace.store, workspace.plan("power-outage"))
    times = []
    for n in range(count):
        start = time.perf_counter()
        actions.log(workspace.store, incident, f"benchmark entry {n}")
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_raw_sqlite(folder: Path, count: int) -> list[float]:
    """Baseline: one durable INSERT per transaction with the stdlib sqlite3, WAL + FULL."""
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)")
    times = []
    for n in range(count):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (text) VALUES (?)", (f"entry {n}",))
        conn.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return times


def time_process(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15, help="process runs per command")
    parser.add_argument("--appends", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        workspace = build(folder / "data")
        print(
            f"dataset: 1,000 incidents, 20,000 entries built in {time.perf_counter() - start:.1f} s "
            f"({workspace.store.op_count()} ops)"
        )
        appends = bench_append(workspace, args.appends)
        raw = bench_raw_sqlite(folder, args.appends)
        print(summary(f"store append, durable (n={args.appends})", appends))
        print(summary(f"baseline raw sqlite3 insert (n={args.appends})", raw))
        print(
            f"{'ratio p99 store / raw':<44} {percentile(appends, 99) / percentile(raw, 99):.2f}x   "
            f"(goal: store p99 <= 5 ms)"
        )
        incident = actions.open_incident(workspace.store, workspace.plan("system-failure"))
        workspace.close()
        env = {**os.environ, "COMMAND_CONSOLE_HOME": str(folder / "data")}
        log_cmd = [sys.executable, "-m", "command_console", "log", incident, "benchmark via CLI"]
        floor_cmd = [sys.executable, "-c", "import sqlmodel"]
        time_process(log_cmd, env), time_process(floor_cmd, env)  # warm the page cache
        logs, floors = [], []
        for _ in range(args.runs):  # interleaved so both see the same machine load
            logs.append(time_process(log_cmd, env))
            floors.append(time_process(floor_cmd, env))
        print(summary(f"`command-console log` process (n={args.runs})", logs))
        print(summary(f"baseline python -c 'import sqlmodel' (n={args.runs})", floors))
        print(
            f"{'ratio median log / import sqlmodel':<44} {statistics.median(logs) / statistics.median(floors):.2f}x   (goal <= 1.3x)"
        )


if __name__ == "__main__":
    main()
