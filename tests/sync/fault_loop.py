"""kill -9 at random points while two consoles write and publish; then check nothing
acknowledged is lost.

    python tests/sync/fault_loop.py --cycles 1000 [--seed N] [--keep DIR]

Each cycle forks one process per console (real processes, already past the imports);
each appends log entries (writing the text to a ledger file only after the append
returned, i.e. was acknowledged), sometimes several in one transaction, and syncs
through a shared folder. Both are killed with SIGKILL at independent random moments.
At the end both consoles sync cleanly; every acknowledged entry must be present exactly
once on both, PRAGMA integrity_check must be ok, the hash-chain audit must be clean and
no segment in the share may be damaged. Prints counts; exit status 0 only if all hold.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from command_console.data import actions, queries
from command_console.data.sync import Syncer
from command_console.data.sync_verify import verify
from command_console.workspace import Workspace

CONSOLES = ("a", "b")


def _in_child(target, *args) -> int:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            target(*args)
            code = 0
        finally:
            os._exit(code)
    return pid


def setup(root: Path, share: Path) -> None:
    for name in CONSOLES:
        workspace = Workspace.open(root / name)
        workspace.initialise(sync_dir=str(share))
        actions.open_incident(workspace.store, workspace.plan("power"))
        workspace.close()


def work(root: Path, name: str, seed: int, cycle: int) -> None:
    rng = random.Random(seed)
    workspace = Workspace.open(root / name)
    syncer = Syncer(workspace)
    incident = queries.list_incidents(workspace.store)[0].id
    ledger = os.open(root / f"ledger-{name}.txt", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    deadline, n = time.monotonic() + 5, 0
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.55:
            text = f"{name}-{cycle}-{n}"
            actions.log(workspace.store, incident, text)
            os.write(ledger, (text + "\n").encode())  # acknowledged: the append returned
            n += 1
        elif roll < 0.7:
            texts = [f"{name}-{cycle}-{n + k}" for k in range(rng.randint(2, 20))]
            workspace.store.append_many([("entry.add", {"incident_id": incident, "kind": "note", "text": t}) for t in texts])
            os.write(ledger, "".join(t + "\n" for t in texts).encode())
            n += len(texts)
        else:
            syncer.sync_once(wait=True)


def run(cycles: int, seed: int, root: Path) -> dict:
    rng = random.Random(seed)
    share = root / "share"
    share.mkdir(parents=True)
    pid = _in_child(setup, root, share)
    if os.waitpid(pid, 0)[1] != 0:
        raise SystemExit("setup failed")
    kills = 0
    for cycle in range(cycles):
        pids = {name: _in_child(work, root, name, rng.randrange(10**9), cycle) for name in CONSOLES}
        start = time.monotonic()
        for name, at in sorted(((n, rng.uniform(0.005, 0.35)) for n in CONSOLES), key=lambda t: t[1]):
            time.sleep(max(0.0, at - (time.monotonic() - start)))
            os.kill(pids[name], signal.SIGKILL)
            kills += 1
        for pid in pids.values():
            os.waitpid(pid, 0)
    return check(root, share) | {"cycles": cycles, "kills": kills, "seed": seed}


def check(root: Path, share: Path) -> dict:
    workspaces = {name: Workspace.open(root / name) for name in CONSOLES}
    syncers = {name: Syncer(w) for name, w in workspaces.items()}
    problems: list[str] = []
    for name in ("a", "b", "a", "b"):
        result = syncers[name].sync_once(wait=True)
        problems += [p for p in result.problems if "republish" not in p and "asked for" not in p]
        if result.bad_files:
            problems.append(f"{name}: {result.bad_files} bad files")
    acked = []
    for name in CONSOLES:
        path = root / f"ledger-{name}.txt"
        acked += path.read_text().split() if path.exists() else []
    report = {"acknowledged": len(acked), "missing": 0, "doubled": 0}
    for name, workspace in workspaces.items():
        store = workspace.store
        found = Counter(e.text for i in queries.list_incidents(store) for e in queries.timeline(store, i.id))
        report["missing"] += sum(1 for t in acked if found[t] == 0)
        report["doubled"] += sum(1 for t in acked if found[t] > 1)
        if store.integrity_check() != "ok":
            problems.append(f"{name}: integrity_check {store.integrity_check()}")
        problems += verify(store, share)[1]
    digests = [w.store.table_digest() for w in workspaces.values()]
    if digests[0] != digests[1]:
        problems.append("table digests differ")
    report["ops"] = workspaces["a"].store.op_count()
    report["share_files"] = sum(len(os.listdir(d)) for d in share.iterdir() if d.is_dir())
    report["problems"] = problems
    for workspace in workspaces.values():
        workspace.close()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", help="Work in this folder and keep it (default: a temp folder, removed).")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cc-fault-"))
    started = time.monotonic()
    try:
        report = run(args.cycles, seed, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    for problem in report["problems"][:20]:
        print(f"problem: {problem}")
    print(f"seed {report['seed']}: {report['cycles']} cycles, {report['kills']} kill -9, "
          f"{report['acknowledged']} acknowledged entries, {report['ops']} ops, {report['share_files']} share files; "
          f"missing {report['missing']}, doubled {report['doubled']}, problems {len(report['problems'])}; "
          f"{time.monotonic() - started:.1f} s")
    ok = report["missing"] == 0 and report["doubled"] == 0 and not report["problems"] and report["acknowledged"] > 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
