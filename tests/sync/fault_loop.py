"""kill -9 at random points while two consoles log, autosave report drafts, set report
fields, publish and apply; then check nothing acknowledged is lost or doubled.

    python tests/sync/fault_loop.py --cycles 1000 [--seed N] [--keep DIR] [--settle-every 10]

Each cycle forks one process per console (real processes, already past the imports; the
child side is tests/sync/fault_worker.py). Each owns one incident and, at random, logs
entries (one, a batch, now and then a burst of hundreds), saves its report draft through
DraftStore with a growing version, sets a report field, or syncs through a shared folder
(publishing its ops, then applying, i.e. merging, the other console's). Every write goes to
a ledger only after it returned: acknowledged. Before each step a worker writes its phase
to one byte of shared memory. The parent kills each console with SIGKILL, either at a
random moment or, to make sure every phase is hit, the moment that console is in a chosen
phase (publish, apply, ...); the byte it holds after death is the phase counted. Every
few cycles both consoles run one sync pass that is not killed.

After every cycle each console's draft must load, be the last acknowledged version or a
later one that was in flight, and never be torn or missing (stray `.draft-*.tmp` files
are counted, not failures). At the end both consoles sync cleanly and, on both, every
acknowledged entry and report-field write must be present exactly once, the folded report
field must be the last acknowledged value (or a later in-flight one), PRAGMA
integrity_check must be ok, the hash-chain audit clean, no share segment damaged and the
folded tables identical. Prints one summary line of counts; exit status 0 only if all hold.
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
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.sync` importable as with -m
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from command_console.data import actions
from command_console.data.sync import Syncer
from command_console.workspace import Workspace
from tests.sync.fault_check import Ledger, Tally, check_draft, check_store, stray_temp_files
from tests.sync.fault_worker import CONSOLES, PHASES, Phases, drafts_folder, incident_of, work

# (phase to kill in or None for a random moment, latest start in seconds after the fork);
# an early "apply" catches the first pass of a cycle merging what the other console wrote since.
PLANS = (
    ("log", 0.3),
    ("autosave", 0.3),
    ("report", 0.3),
    ("publish", 0.3),
    ("apply", 0.06),
    ("apply", 0.3),
    (None, 0.3),
)
# Every SETTLE_EVERY cycles each console runs one sync pass that is not killed, as between
# real crashes. Without it every pass dies before it saves its bookkeeping: the segments it
# wrote are orphans the next pass must adopt, they pile up, passes outgrow the kill interval
# and most kills land in "publish" (try --settle-every 0).
SETTLE_EVERY = 10
TARGET_WAIT_S = 0.5  # how long a targeted kill waits for its phase before killing anyway
JITTER_S = 0.001  # once the phase is seen, kill this much later at most (lands inside the step)
POLL_S = 0.0005


def _in_child(target, *args) -> int:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            target(*args)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    return pid


def setup(root: Path, share: Path) -> None:
    for name in CONSOLES:
        workspace = Workspace.open(root / name)
        workspace.initialise(sync_dir=str(share))
        incident = actions.open_incident(workspace.store, workspace.plan("power"))
        (root / f"incident-{name}.txt").write_text(incident)
        workspace.close()


@dataclass
class Kill:
    """When to kill one console: at `at` seconds, or once it is in phase `target` after that."""

    pid: int
    slot: int
    at: float
    target: str | None
    fire: float | None = None

    def due(self, now: float, phase: str, rng: random.Random) -> bool:
        if self.fire is None and now >= self.at:
            if self.target is None or now >= self.at + TARGET_WAIT_S:
                self.fire = now
            elif phase == self.target:
                self.fire = now + rng.uniform(0, JITTER_S)
        return self.fire is not None and now >= self.fire


def kill_all(kills: list[Kill], phases: Phases, rng: random.Random) -> None:
    start, pending = time.monotonic(), list(kills)
    while pending:
        now = time.monotonic() - start
        for kill in [k for k in pending if k.due(now, phases.get(k.slot), rng)]:
            os.kill(kill.pid, signal.SIGKILL)
            pending.remove(kill)
        time.sleep(POLL_S)


def one_cycle(
    root: Path, cycle: int, phases: Phases, rng: random.Random, tally: Tally
) -> list[str]:
    """Fork both consoles, kill both; return the phase each died in."""
    kills = []
    for slot, name in enumerate(CONSOLES):
        phases.set(slot, "open")
        pid = _in_child(work, root, name, slot, phases, rng.randrange(10**9), cycle)
        target, latest = rng.choice(PLANS)
        kills.append(Kill(pid, slot, rng.uniform(0.005, latest), target))
    kill_all(kills, phases, rng)
    for kill in kills:
        status = os.waitpid(kill.pid, 0)[1]
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            tally.problems.append(
                f"cycle {cycle}: console {CONSOLES[kill.slot]} ended by itself (status {status})"
            )
    return [phases.get(k.slot) for k in kills]


def settle(root: Path) -> None:
    """One sync pass per console, not killed (see SETTLE_EVERY)."""
    for name in CONSOLES:
        workspace = Workspace.open(root / name)
        Syncer(workspace).sync_once(wait=True)
        workspace.close()


def run(cycles: int, seed: int, root: Path, settle_every: int = SETTLE_EVERY) -> dict:
    rng = random.Random(seed)
    share = root / "share"
    share.mkdir(parents=True)
    pid = _in_child(setup, root, share)
    if os.waitpid(pid, 0)[1] != 0:
        raise SystemExit("setup failed")
    phases, tally, died_in = Phases(), Tally(), Counter()
    ledgers = {name: Ledger(root / f"ledger-{name}.txt") for name in CONSOLES}
    incidents = {name: incident_of(root, name) for name in CONSOLES}
    for cycle in range(cycles):
        died_in.update(one_cycle(root, cycle, phases, rng, tally))
        if (
            settle_every
            and (cycle + 1) % settle_every == 0
            and os.waitpid(_in_child(settle, root), 0)[1]
        ):
            tally.problems.append(f"cycle {cycle}: the unkilled sync pass failed")
        for name, ledger in ledgers.items():
            ledger.read()
            check_draft(drafts_folder(root, name), incidents[name], ledger, tally, name)
    figures = finish(root, share, ledgers, incidents, tally)
    return figures | {
        "cycles": cycles,
        "seed": seed,
        "died_in": died_in,
        "tally": tally,
        "ledgers": ledgers,
        "settle_every": settle_every,
    }


def finish(
    root: Path, share: Path, ledgers: dict[str, Ledger], incidents: dict[str, str], tally: Tally
) -> dict:
    """Sync both consoles cleanly (twice round), then check each against every ledger."""
    workspaces = {name: Workspace.open(root / name) for name in CONSOLES}
    syncers = {name: Syncer(w) for name, w in workspaces.items()}
    for name in CONSOLES * 2:
        result = syncers[name].sync_once(wait=True)
        tally.problems += [
            p for p in result.problems if "republish" not in p and "asked for" not in p
        ]
        if result.bad_files:
            tally.problems.append(f"{name}: {result.bad_files} bad files")
    for name, workspace in workspaces.items():
        check_store(workspace, share, ledgers, incidents, tally, name)
    digests = [w.store.table_digest() for w in workspaces.values()]
    if digests[0] != digests[1]:
        tally.problems.append("folded tables differ between the consoles")
    figures = {
        "ops": workspaces[CONSOLES[0]].store.op_count(),
        "share_files": sum(len(os.listdir(d)) for d in share.iterdir() if d.is_dir()),
        "stray_tmp": sum(stray_temp_files(drafts_folder(root, name)) for name in CONSOLES),
    }
    for workspace in workspaces.values():
        workspace.close()
    return figures


def summary(report: dict, seconds: float) -> str:
    tally, ledgers, died_in = report["tally"], report["ledgers"].values(), report["died_in"]
    phases = ", ".join(f"{p} {died_in[p]}" for p in PHASES)
    integrity = "ok" if set(tally.integrity) == {"ok"} else "/".join(tally.integrity)
    every = report["settle_every"]
    settled = f"an unkilled sync every {every} cycles" if every else "no unkilled syncs"
    return (
        f"seed {report['seed']}: {report['cycles']} cycles, {died_in.total()} kill -9 ({phases}); "
        f"acknowledged {sum(len(x.entries) for x in ledgers)} entries, {sum(len(x.reports) for x in ledgers)} "
        f"report fields, {sum(len(x.drafts) for x in ledgers)} drafts; "
        f"lost {tally.lost.total()}, duplicated {tally.duplicated.total()}, integrity_check {integrity}, "
        f"problems {len(tally.problems)}; {report['ops']} ops, {report['share_files']} share files, "
        f"{report['stray_tmp']} stray draft temp files, {settled}; {seconds:.1f} s"
    )


def passed(report: dict) -> bool:
    tally, ledgers = report["tally"], report["ledgers"].values()
    acknowledged_each = all(
        sum(len(getattr(x, kind)) for x in ledgers) for kind in ("entries", "reports", "drafts")
    )
    return (
        not tally.lost
        and not tally.duplicated
        and not tally.problems
        and acknowledged_each
        and set(tally.integrity) == {"ok"}
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--keep", help="Work in this folder and keep it (default: a temp folder, removed)."
    )
    parser.add_argument(
        "--settle-every",
        type=int,
        default=SETTLE_EVERY,
        help="Cycles between unkilled sync passes (0: never).",
    )
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cc-fault-"))
    started = time.monotonic()
    try:
        report = run(args.cycles, seed, root, args.settle_every)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    for line in (report["tally"].losses + report["tally"].problems)[:20]:
        print(f"problem: {line}")
    print(summary(report, time.monotonic() - started))
    return 0 if passed(report) else 1


if __name__ == "__main__":
    sys.exit(main())
