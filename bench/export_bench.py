"""Export figures (issue 5): a shift with 50 incidents and 5,000 timeline entries, exported
to Markdown, HTML, CSV and JSON. Target: <= 1 s per format, store read included.

Run: python -m bench.export_bench [--runs N] [--incidents N] [--entries N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from command_console.core.clock import FakeClock
from command_console.data import exports, queries, shift
from command_console.data.actions import plan_snapshot
from command_console.paths import resolve_paths
from command_console.workspace import Workspace

TARGET_S = 1.0
START = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)


def build(folder: Path, incidents: int, entries: int) -> Workspace:
    """One 8-hour shift: incidents opened through it, entries (a tenth of them calls)
    spread over it, some steps done, reports half filled, a third of incidents resolved."""
    clock = FakeClock(START)
    workspace = Workspace(resolve_paths(folder), clock)
    workspace.initialise(
        console_id="bnch",
        lead_name="Wang Li",
        time_zone="Asia/Shanghai",
        site_name="Hotline centre 热线中心",
    )
    store, rng = workspace.store, random.Random(5)
    plans, contacts = workspace.plans.sorted(), queries.list_contacts(store)
    ids = [f"{n}-bnch" for n in range(1, incidents + 1)]
    shift_s = 8 * 3600
    events: list[tuple[int, str, dict]] = []
    for n, incident_id in enumerate(ids):
        plan, opened = plans[n % len(plans)], rng.randint(0, shift_s // 2)
        events.append(
            (
                opened,
                "incident.open",
                {
                    "id": incident_id,
                    "title": f"{plan.title} #{n} 事件",
                    "plan": plan_snapshot(plan),
                    "severity": plan.severity.value,
                    "started_at": int((START + timedelta(seconds=opened)).timestamp() * 1000),
                },
            )
        )
        for step in plan.steps[:3]:
            events.append(
                (
                    opened + rng.randint(60, 3600),
                    "step.set",
                    {"incident_id": incident_id, "step_id": step.id, "state": "done", "note": ""},
                )
            )
        for field, value in (
            ("site", "Hall A, 3F"),
            ("type", plan.category),
            ("impact", "Queue of 140 calls, 6 min wait"),
        ):
            events.append(
                (
                    opened + 60,
                    "report.set",
                    {"incident_id": incident_id, "field": field, "value": value, "base": None},
                )
            )
        if n % 3 == 0:
            events.append(
                (
                    opened + 4 * 3600,
                    "incident.set",
                    {"id": incident_id, "field": "status", "value": "resolved", "base": None},
                )
            )
    for n in range(entries):
        incident_id, at = rng.choice(ids), rng.randint(shift_s // 2, shift_s - 60)
        if n % 10 == 0:
            c = rng.choice(contacts)
            events.append(
                (
                    at,
                    "call.add",
                    {
                        "incident_id": incident_id,
                        "contact_id": c.id,
                        "name": c.name,
                        "phone": c.phones[0] if c.phones else "",
                        "role": "",
                        "outcome": rng.choice(["reached", "no answer", "left message"]),
                    },
                )
            )
        else:
            events.append(
                (
                    at,
                    "entry.add",
                    {
                        "incident_id": incident_id,
                        "kind": "note",
                        "text": f"entry {n}: queue {rng.randint(1, 300)} 排队, =SUM(A1) <b>",
                    },
                )
            )
    events.sort(key=lambda e: e[0])
    batch: list = []
    for at, kind, payload in events:
        clock.set(START + timedelta(seconds=at))
        batch.append((kind, payload))
        if len(batch) == 200:  # ops take the clock when appended: commit per 200 near their time
            store.append_many(batch)
            batch = []
    if batch:
        store.append_many(batch)
    clock.set(START + timedelta(seconds=shift_s))
    return workspace


def stats(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:7.1f} ms  min {min(values) * 1000:7.1f}  "
        f"max {max(values) * 1000:7.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--incidents", type=int, default=50)
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        workspace = build(Path(tmp) / "data", args.incidents, args.entries)
        print(
            f"built {args.incidents} incidents, {args.entries} entries in {time.perf_counter() - started:.1f} s"
        )
        store, now = workspace.store, workspace.clock.now()
        window = shift.shift_window(store, now)
        site = exports.site_of(workspace.config)
        record = exports.collect(store, site, window, now)
        print(
            f"window {window.since:%H:%M}-{window.until:%H:%M}Z: {len(record.incidents)} incidents, "
            f"{len(record.entries)} entries, {len(record.calls)} calls"
        )
        reads = []
        for _ in range(args.runs):
            t = time.perf_counter()
            exports.collect(store, site, window, now)
            reads.append(time.perf_counter() - t)
        print(f"{'read the window from the store':<34} {stats(reads)}")
        worst = 0.0
        for fmt in exports.FORMATS:
            totals, sizes = [], 0
            for run in range(args.runs):
                t = time.perf_counter()
                fresh = exports.collect(store, site, window, now)
                path = exports.write(fresh, fmt, Path(tmp) / f"out{run}.{fmt}", bom=fmt == "csv")
                totals.append(time.perf_counter() - t)
                sizes = path.stat().st_size
            worst = max(worst, statistics.median(totals))
            print(
                f"{'export ' + fmt + ' (read + render + write)':<34} {stats(totals)}  {sizes / 1024:7.0f} KiB"
            )
        print(
            f"worst median {worst * 1000:.1f} ms = {worst / TARGET_S:.2f} x the {TARGET_S:.0f} s target "
            f"({'within' if worst <= TARGET_S else 'OVER'} target)"
        )
        workspace.close()


if __name__ == "__main__":
    main()
