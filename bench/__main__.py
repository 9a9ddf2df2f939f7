"""One entry point for every figure: `python -m bench [--quick] [NAME ...]`.

Each benchmark builds its own data, runs its figure several times and prints median,
min and max beside a baseline measured in the same run; ratios are the claim. The whole
output is also written to bench/out/latest.txt with the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

# name -> (module, arguments for the figures, arguments for --quick)
BENCHES = {
    "store": ("bench.store_bench", [], ["--runs", "5", "--appends", "200"]),
    "open_check": ("bench.open_check", ["--runs", "9"], ["--runs", "3"]),
    "console": (
        "bench.console_bench",
        ["--runs", "9", "--steady", "20"],
        ["--runs", "2", "--steady", "5"],
    ),
    "export": ("bench.export_bench", [], ["--runs", "3"]),
    "sync": ("bench.sync_bench", [], ["--ops", "2000", "--history", "20000", "--passes", "10"]),
    "trust": ("bench.trust_bench", [], ["--ops", "2000", "--hostile", "2000", "--runs", "1"]),
    "hub": (
        "bench.hub_bench",
        [],
        ["--ops", "2000", "--consoles", "10", "--each", "300", "--rows", "100000"],
    ),
    "faults": ("tests.sync.fault_loop", ["--cycles", "100"], ["--cycles", "10"]),
    "fuzz": ("tests.tui.screen_fuzz", ["--inputs", "300"], ["--inputs", "35"]),
}


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    return f"{platform.node()}: {os.cpu_count()} cores {cpu}, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"which of {', '.join(BENCHES)} (default: all)")
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs (a smoke check, not figures)"
    )
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHES)}")
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    lines = [f"# {time.strftime('%Y-%m-%d %H:%M')} on {machine()}"]
    failed = []
    for name in args.names or BENCHES:
        module, full, quick = BENCHES[name]
        command = [sys.executable, "-m", module, *(quick if args.quick else full)]
        print(f"\n== {name}: {' '.join(command[1:])}", flush=True)
        lines.append(f"\n## {name}: python {' '.join(command[1:])}")
        result = subprocess.run(command, capture_output=True, text=True)
        print(result.stdout, end="")
        lines.append(result.stdout.rstrip())
        if result.returncode:
            failed.append(name)
            print(result.stderr[-3000:], file=sys.stderr)
            lines.append(f"FAILED (exit {result.returncode})")
    (out / "latest.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"\nwritten to {out / 'latest.txt'}" + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
