"""Three consoles through the hub (issue #16): real workspaces writing at random while they
sync, each in its own thread; a ledger kept outside the consoles records every write that
returned (acknowledged). After convergence every acknowledged op is on every console and
in the hub exactly once, the folded tables are identical, the chains whole (the same
checks as the folder: tests/sync/test_sync_cli_converge.py)."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

from command_console.core.incidents import Severity, StepState
from command_console.data import actions, queries
from tests.hub.hubtools import (
    converged,
    hub_counts,
    new_console,
    open_console,
    prepare_hub,
    run_cli,
    sync_until_ok,
)
from tests.sync.test_sync_cli_converge import Ledger, markers

MOVES = 40
BURST = 400  # a burst of entries now and then: pushes and pulls of several batches' size


def act(workspace, syncer, name: str, ledger: Ledger, seed: int) -> None:
    rng = random.Random(seed)
    store = workspace.store
    for move in range(MOVES):
        marker = f"{name}-{move}-{rng.randrange(10**9)}"
        visible = [i.id for i in queries.list_incidents(store)]
        roll = rng.random()
        if not visible or roll < 0.08:
            plan = workspace.plan(rng.choice(["power", "system-failure", "fire"]))
            actions.open_incident(store, plan, title=marker)
            ledger.ack("incident.open", marker)
            continue
        incident = rng.choice(visible)
        if roll < 0.4:
            actions.log(store, incident, marker)
            ledger.ack("entry.add", marker)
        elif roll < 0.45:
            texts = [f"{marker}-{n}" for n in range(BURST)]
            store.append_many(
                [("entry.add", {"incident_id": incident, "kind": "note", "text": t}) for t in texts]
            )
            for text in texts:
                ledger.ack("entry.add", text)
        elif roll < 0.55:
            step = actions.resolve_step(store, incident, str(rng.randint(1, 2)))
            actions.set_step(store, incident, step, rng.choice(list(StepState)), marker)
            ledger.ack("step.set", marker)
        elif roll < 0.65:
            actions.set_report_field(store, incident, rng.choice(["impact", "measures"]), marker)
            ledger.ack("report.set", marker)
        elif roll < 0.7:
            actions.set_severity(store, incident, rng.choice(list(Severity)))  # LWW, no marker
        else:
            assert syncer.sync_once(wait=True).hub_ok


def test_three_consoles_through_the_hub_hold_every_acknowledged_op_once(hub_db, tmp_path):
    prepare_hub(hub_db)
    consoles = [new_console(hub_db, tmp_path, name) for name in ("a", "b", "c")]
    opened = [open_console(c) for c in consoles]
    ledger, seed = Ledger(), random.randrange(10**6)
    try:
        with ThreadPoolExecutor(3) as pool:
            futures = [
                pool.submit(act, w, s, c.name, ledger, seed + n)
                for n, (c, (w, s)) in enumerate(zip(consoles, opened, strict=True))
            ]
            for future in futures:
                future.result()
        for _, syncer in opened + opened[:2]:  # publish the last writes, then pull them
            sync_until_ok(syncer)
        run_cli(consoles[2].root, "sync")  # and the CLI, on one of them: nothing new, exit 0
        workspaces = [w for w, _ in opened]
        converged(workspaces, hub_db.admin_url)
        assert len(ledger.acked) >= 30, ledger.acked  # not vacuous
        for workspace in workspaces:
            found = markers(workspace.store)
            wrong = [(m, found[m]) for m in ledger.acked if found[m] != 1]
            assert wrong == [], f"seed {seed}, console {workspace.config.console_id}"
        assert sum(hub_counts(hub_db.admin_url).values()) == workspaces[0].store.op_count()
    finally:
        for workspace, syncer in opened:
            syncer.close()
            workspace.close()
