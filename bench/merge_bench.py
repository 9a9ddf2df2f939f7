"""The CPU one console spends per operation it merges from the hub (issue #16).

M consoles (default 50) on a throwaway hub. Each round, every other console writes K
entries (default 1) and publishes them; then the first console runs one pass, which
pulls and merges them. Only that pass's process CPU time is counted, so neither the
writers nor the server nor other load on the machine count. With --profile, the passes
run under cProfile and the top functions are printed (times then ~1.6x higher).

python -m bench.merge_bench [--consoles 50] [--each 1] [--rounds 30] [--writers N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from bench.hub_bench import PASSWORD, Hub, make_consoles
from command_console.data import actions, queries
from command_console.data.sync import Syncer
from command_console.workspace import Workspace
from tests.hub.pg_server import PgCluster


def merge_cost(folder: Path, hub: Hub, args: argparse.Namespace) -> None:
    names = [f"c{n:02d}" for n in range(args.consoles)]
    workspaces = [Workspace.open(d) for d in make_consoles(folder, names, "hub", hub)]
    syncers = [Syncer(w) for w in workspaces]
    for _round in range(2):  # register every key, then everyone holds everyone's first ops
        for syncer in syncers:
            syncer.sync_once(wait=True)
    incidents = [queries.list_incidents(w.store)[0].id for w in workspaces]
    writers = list(zip(workspaces, syncers, incidents, strict=True))[1 : 1 + args.writers]
    target = syncers[0]
    profile = cProfile.Profile()
    spent, merged = 0.0, 0
    for n in range(args.rounds):
        for workspace, syncer, incident in writers:
            for k in range(args.each):
                actions.log(workspace.store, incident, f"round {n} entry {k}")
            syncer.sync_once(wait=True)
        started = time.process_time()
        if args.profile:
            profile.enable()
        merged += target.sync_once(wait=True).applied
        if args.profile:
            profile.disable()
        spent += time.process_time() - started
    print(
        f"  {args.consoles} consoles, {len(writers)} writing {args.each} op(s) a round, "
        f"{args.rounds} rounds: {merged} ops merged, {1e6 * spent / max(merged, 1):.0f} us "
        f"of CPU per op merged, {1e3 * spent / args.rounds:.1f} ms per pass"
    )
    if args.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    for syncer, workspace in zip(syncers, workspaces, strict=True):
        syncer.close()
        workspace.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--each", type=int, default=1, help="entries per writer and round")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--writers", type=int, help="consoles writing each round (all others)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.writers is None:
        args.writers = args.consoles - 1
    os.environ["PGPASSWORD"] = PASSWORD  # the console roles' password (bench/hub_bench.py)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    cluster = PgCluster.create("merge")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            merge_cost(Path(tmp), Hub(cluster, "merge"), args)
    finally:
        cluster.close()


if __name__ == "__main__":
    main()
