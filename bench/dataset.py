"""Benchmark data: a data dir holding N incidents and M timeline entries, built fast."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from command_console.data.actions import plan_snapshot
from command_console.workspace import Workspace


def build(
    data_dir: Path, incidents: int = 1000, entries: int = 20000, open_share: float = 0.05
) -> Workspace:
    """Create data_dir with the demo roster plus the given history (most incidents resolved)."""
    workspace = Workspace.open(data_dir)
    store, now, rng = workspace.store, workspace.clock.now(), random.Random(7)
    plans = workspace.plans.sorted()
    console = workspace.config.console_id
    ids = [f"{n}-{console}" for n in range(1, incidents + 1)]
    changes = []
    for n, incident_id in enumerate(ids):
        plan = plans[n % len(plans)]
        started = now - timedelta(minutes=rng.randint(1, 60 * 24 * 30))
        changes.append(
            (
                "incident.open",
                {
                    "id": incident_id,
                    "title": f"{plan.title} #{n}",
                    "plan": plan_snapshot(plan),
                    "severity": plan.severity.value,
                    "started_at": int(started.timestamp() * 1000),
                },
            )
        )
    for n in range(entries):
        changes.append(
            (
                "entry.add",
                {
                    "incident_id": rng.choice(ids),
                    "kind": "note",
                    "text": f"entry {n}: caller reports queue {rng.randint(1, 300)} 排队",
                },
            )
        )
    for incident_id in ids[: int(incidents * (1 - open_share))]:
        changes.append(
            (
                "incident.set",
                {"id": incident_id, "field": "status", "value": "resolved", "base": None},
            )
        )
    for start in range(0, len(changes), 2000):
        store.append_many(changes[start : start + 2000])
    return workspace
