"""Three consoles (separate data dirs, one shared folder) driven through the CLI as real
processes, interleaved at random with `sync` between, then converged. A ledger kept
outside the consoles records every command that exited 0; each must be present exactly
once on every console, and the folded tables must be identical everywhere.

The set-up (`init`) and the closing passes (`sync` on each console in turn, `verify`)
run one at a time, with nothing else running: they are the same commands in this
process (run_cli_in_process), which spares a second of interpreter start-up each."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from command_console.workspace import Workspace
from tests.sync.conftest import run_cli, run_cli_in_process

ACTIONS = ["log", "log", "step", "report", "roster", "severity", "open", "sync"]


class Ledger:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acked: list[tuple[str, str]] = []  # (op kind, a unique text the op carries)
        self.published: set[str] = set()  # incidents whose opener synced after opening them

    def ack(self, kind: str, marker: str) -> None:
        with self.lock:
            self.acked.append((kind, marker))


def actor(name: str, data_dir, tmp_path, ledger: Ledger, seed: int, moves: int) -> None:
    rng = random.Random(seed)
    mine: list[str] = []
    visible: list[str] = []
    plan = rng.choice(["power", "system-failure", "fire"])
    for move in range(moves):
        action = "open" if not mine else ("sync" if move in (3, moves - 1) else rng.choice(ACTIONS))
        marker = f"{name}-{move}-{rng.randrange(10**9)}"
        incident = rng.choice(visible) if visible else ""
        if action == "open":
            proc = run_cli(data_dir, "incident", "open", plan, "--title", marker, check=False)
            if proc.returncode == 0:
                mine.append(proc.stdout.strip())
                visible.append(mine[-1])
                ledger.ack("incident.open", marker)
        elif action == "log":
            if run_cli(data_dir, "log", incident, marker, check=False).returncode == 0:
                ledger.ack("entry.add", marker)
        elif action == "step":
            verb = rng.choice(["done", "skip", "reopen"])
            proc = run_cli(
                data_dir,
                "step",
                incident,
                str(rng.randint(1, 2)),
                verb,
                "--note",
                marker,
                check=False,
            )
            if proc.returncode == 0:
                ledger.ack("step.set", marker)
        elif action == "report":
            if (
                run_cli(
                    data_dir,
                    "report",
                    "set",
                    incident,
                    rng.choice(["impact", "measures"]),
                    marker,
                    check=False,
                ).returncode
                == 0
            ):
                ledger.ack("report.set", marker)
        elif action == "roster":
            roster = tmp_path / f"{marker}.csv"
            who = rng.choice(
                [f"Contact {marker}", "Shared Duty Manager"]
            )  # some edits hit one contact
            roster.write_text(
                f"name,roles,phones,notes,on_duty\n{who},duty-manager:1,555-{marker},{marker},yes\n"
            )
            if run_cli(data_dir, "contacts", "import", str(roster), check=False).returncode == 0:
                ledger.ack("contact.upsert", marker)
        elif action == "severity":
            level = rng.choice(["general", "serious", "major", "critical"])
            run_cli(
                data_dir, "incident", "set", incident, "severity", level, check=False
            )  # LWW: no marker
        else:
            with ledger.lock:
                before = set(ledger.published)
            opened = list(mine)
            if run_cli(data_dir, "sync", check=False).returncode == 0:
                visible.extend(i for i in before if i not in visible)
                with ledger.lock:
                    ledger.published.update(opened)


def markers(store) -> Counter:
    found: Counter = Counter()
    for op in store.all_ops():
        p = op.payload
        text = {
            "incident.open": p.get("title"),
            "entry.add": p.get("text"),
            "step.set": p.get("note"),
            "report.set": p.get("value"),
            "contact.upsert": p.get("notes"),
        }.get(op.kind)
        if text:
            found[(op.kind, text)] += 1
    return found


def test_three_consoles_converge_and_every_acknowledged_operation_is_there_once(tmp_path, share):
    dirs = [tmp_path / name for name in ("a", "b", "c")]
    for d in dirs:
        run_cli_in_process(d, "init", "--sync-dir", str(share))
    ledger = Ledger()
    seed = random.randrange(10**6)
    with ThreadPoolExecutor(3) as pool:
        futures = [
            pool.submit(actor, d.name, d, tmp_path, ledger, seed + i, 7) for i, d in enumerate(dirs)
        ]
        for future in futures:
            future.result()
    for d in dirs + dirs[:2]:
        run_cli_in_process(d, "sync")
    workspaces = [Workspace.open(d) for d in dirs]
    try:
        digests = [w.store.table_digest() for w in workspaces]
        assert digests[0] == digests[1] == digests[2], f"seed {seed}"
        assert len(ledger.acked) >= 6, ledger.acked  # not vacuous: at least the opens and some more
        for w in workspaces:
            found = markers(w.store)
            missing_or_doubled = [m for m in ledger.acked if found[m] != 1]
            assert missing_or_doubled == [], f"seed {seed}, console {w.config.console_id}"
            assert w.store.integrity_check() == "ok"
        assert "0 problems" in run_cli_in_process(dirs[0], "verify").stdout
    finally:
        for w in workspaces:
            w.close()
