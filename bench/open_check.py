"""The open check's cost (issue #12): application_id, schema version and PRAGMA
quick_check on a 1,000-incident / 20,000-entry database, and CLI `log` against
`python -c "import sqlmodel"` (the budget: log <= 1.3x).

    python -m bench.open_check [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.dataset import build
from command_console.data import engine


def best_and_median(times: list[float]) -> str:
    return f"median {statistics.median(times):7.1f} ms  min {min(times):7.1f} ms"


def time_open_check(db: Path, runs: int) -> tuple[list[float], list[float]]:
    """The whole read-only inspection on open, and the quick check alone."""
    import sqlite3

    whole, quick = [], []
    for _ in range(runs):
        start = time.perf_counter()
        engine._inspect_existing(db)
        whole.append((time.perf_counter() - start) * 1000)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        start = time.perf_counter()
        conn.execute("PRAGMA quick_check(1)").fetchone()
        quick.append((time.perf_counter() - start) * 1000)
        conn.close()
    return whole, quick


def time_process(argv: list[str], runs: int) -> list[float]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        workspace = build(data)
        incident = workspace.store.incident_ids()[-1]
        workspace.close()
        db = data / "console.db"
        print(f"dataset: 1,000 incidents, 20,000 entries, {db.stat().st_size / 1e6:.1f} MB")
        whole, quick = time_open_check(db, args.runs)
        print(f"{'open check (id, version, quick_check)':<40} {best_and_median(whole)}")
        print(f"{'  of which PRAGMA quick_check':<40} {best_and_median(quick)}")
        baseline, log = [], []
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            baseline += time_process([sys.executable, "-c", "import sqlmodel"], 1)
            log += time_process(
                [
                    sys.executable,
                    "-m",
                    "command_console",
                    "--data-dir",
                    str(data),
                    "log",
                    incident,
                    "bench entry",
                ],
                1,
            )
        label = 'python -c "import sqlmodel"'
        print(f"{label:<40} {best_and_median(baseline)}")
        print(f"{'command-console log':<40} {best_and_median(log)}")
        print(
            f"{'ratio log / import sqlmodel':<40} median {statistics.median(log) / statistics.median(baseline):.2f}x"
            f"  fastest {min(log) / min(baseline):.2f}x  (budget 1.30x)"
        )
        print(
            f"{'open check / log (median)':<40} {statistics.median(whole) / statistics.median(log) * 100:.0f}%"
        )


if __name__ == "__main__":
    main()
