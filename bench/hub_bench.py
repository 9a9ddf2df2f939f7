"""Hub figures (issue #16), side by side with the shared folder.

1. Three consoles x N operations (default 10,000), each written flat out by its own process
   while `command-console sync --watch` runs beside it: how long after the last write all
   three hold every operation, through the folder and through the hub.
2. M consoles (default 50) x K operations (default 1,000), written by one process with
   a writer thread per console, each entry its own durable commit, at --rate entries a
   second per console (default 1; 0: flat out), while each console's `sync --watch`
   runs: convergence after the last write, and the watchers' CPU while writing; then, at
   idle (from 10 s after converging), the hub's connections and the CPU of the watchers
   and of the server over 10 s.
   Every console merges every other's entries, so one machine running all 50 does 50
   consoles' work: on 2 cores the rate must leave room for it (see BENCHMARKS.md).
3. A no-op pull on a hub holding R rows (default 1,000,000, synthetic, spread over 50
   consoles): the console's watermarks stand at the heads, as after it pulled them. The
   steady-state pass (the hole sweep, once a minute, is left out), median / min / max.
4. M idle consoles (--only idle): the watchers' and the server's CPU in windows from 1 s to
   90 s after they exchanged their first ops.

The server is a throwaway cluster (tests/hub/pg_server.py). Run:
python -m bench.hub_bench [--ops 10000] [--consoles 50] [--each 1000] [--rate 1]
                          [--transport both|hub|folder] [--rows 1000000]
                          [--only three|many|noop|idle]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import let_children_be_interrupted
from bench.sync_bench import count_ops
from command_console.data import actions, queries
from command_console.data.sync import Syncer
from command_console.data.sync.hub_admin import hub_grant, hub_init
from command_console.data.sync.hub_pass import HubState
from command_console.workspace import Workspace
from tests.hub.pg_server import PgCluster

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-secret"  # noqa: S105 - a throwaway cluster's role
IDLE_S = 10.0
IDLE_AFTER_S = 10.0  # right after converging, the watchers still finish their last passes


def stats(values_ms: list[float]) -> str:
    return f"median {statistics.median(values_ms):7.2f} ms  min {min(values_ms):7.2f}  max {max(values_ms):7.2f}"


class Hub:
    """One database in the cluster, initialised; a login role per console."""

    def __init__(self, cluster: PgCluster, name: str) -> None:
        self.cluster, self.dbname = cluster, name
        cluster.execute(f'CREATE DATABASE "{name}"')
        hub_init(self.admin_url)

    @property
    def admin_url(self) -> str:
        return self.cluster.admin_url(self.dbname)

    def console_url(self, name: str) -> str:
        role = f"{self.dbname}_{name}"
        self.cluster.create_login_role(role, PASSWORD)
        return self.cluster.url(role, self.dbname)


def make_consoles(folder: Path, names: list[str], target: str, hub: Hub | None) -> list[Path]:
    share = folder / "share"
    share.mkdir(parents=True, exist_ok=True)
    dirs = []
    for name in names:
        workspace = Workspace.open(folder / name)
        if target == "hub":
            assert hub is not None
            url = hub.console_url(name)
            config = workspace.initialise(sync_url=url)
            hub_grant(hub.admin_url, url.split("//")[1].split("@")[0], [config.console_id])
        else:
            workspace.initialise(sync_dir=str(share))
        actions.open_incident(workspace.store, workspace.plan("power"))
        workspace.close()
        dirs.append(folder / name)
    return dirs


def watchers(dirs: list[Path]) -> list[subprocess.Popen]:
    env = {**os.environ, "PGPASSWORD": PASSWORD, "PYTHONPATH": str(ROOT)}
    return [
        subprocess.Popen(
            [sys.executable, "-m", "command_console", "--data-dir", str(d), "sync", "--watch"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        for d in dirs
    ]


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_converged(
    dirs: list[Path],
    expected: int,
    last_write: float,
    limit_s: float = 600,
    each: list[float] | None = None,
):
    """Seconds from the last write until every console holds `expected` ops (None: not within
    limit_s); `each` gets every console's own time, in the order they got there.

    A console that holds them all is not counted again (it cannot lose them): counting all
    fifty databases of 50,000 ops each round cost ~30 ms of CPU every 20 ms, taken from the
    watchers on the same cores exactly while the figure is measured."""
    waiting = [d / "console.db" for d in dirs]
    while True:
        still = [db for db in waiting if count_ops(db) != expected]
        if each is not None:
            each += [time.time() - last_write] * (len(waiting) - len(still))
        waiting = still
        if not waiting:
            return time.time() - last_write
        if time.time() - last_write > limit_s:
            return None
        time.sleep(0.02)


def total_ops(dirs: list[Path]) -> int:
    total = 0
    for d in dirs:
        workspace = Workspace.open(d)
        total += workspace.store.scalar(
            "SELECT count(*) FROM ops WHERE console_id = ?", workspace.config.console_id
        )
        workspace.close()
    return total


# -- 1. three consoles flat out ----------------------------------------------------------


def three_consoles(folder: Path, target: str, count: int, hub: Hub | None) -> float | None:
    dirs = make_consoles(folder, ["one", "two", "three"], target, hub)
    running = watchers(dirs)
    try:
        return _three(dirs, target, count)
    finally:
        stop(running)  # also when something failed: never leave watchers behind


def _three(dirs: list[Path], target: str, count: int) -> float | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.sync_bench", "--role-writer", str(d), str(count), "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for d in dirs
    ]
    for proc in writers:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    for proc in writers:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    done = []
    for proc in writers:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        proc.wait()
        done.append((float(line[1]), float(line[2])))
    last_write = max(end for _, end in done)
    converged = wait_converged(dirs, total_ops(dirs), last_write)
    write_s = last_write - min(start for start, _ in done)
    shown = f"{converged:.2f} s" if converged is not None else "NOT within 600 s"
    print(
        f"  {target:6}: 3 x {count} ops written in {write_s:.1f} s ({3 * count / write_s:.0f} ops/s); "
        f"all consoles hold everything {shown} after the last write"
    )
    return converged


# -- 2. many consoles --------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def server_pids(cluster: PgCluster) -> list[int]:
    import psycopg

    with psycopg.connect(cluster.admin_url(), autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity")]
    postmaster = (cluster.data / "postmaster.pid").read_text().split()[0]
    return [*pids, int(postmaster)]


def many_consoles(
    folder: Path, target: str, consoles: int, each: int, hub: Hub | None, rate: float
):
    dirs = make_consoles(folder, [f"c{n:02d}" for n in range(consoles)], target, hub)
    running = watchers(dirs)
    try:
        return _many(dirs, running, target, each, hub, rate)
    finally:
        stop(running)


def _many(
    dirs: list[Path], running, target: str, each: int, hub: Hub | None, rate: float
) -> float | None:
    consoles = len(dirs)
    settled = wait_converged(dirs, total_ops(dirs), time.time())  # start from idle
    assert settled is not None, "the consoles did not exchange their first ops"
    opened = [Workspace.open(d) for d in dirs]
    incidents = [queries.list_incidents(w.store)[0].id for w in opened]  # held by all
    pids = [p.pid for p in running]
    cpu_before = cpu_seconds(pids)
    server = server_pids(hub.cluster) if hub else []  # the watchers' connections stay open
    server_before = cpu_seconds(server)
    start = time.time()
    waits: list[float] = []
    threads = [
        threading.Thread(target=_write, args=(w, incident, each, rate, start, waits))
        for w, incident in zip(opened, incidents, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    last_write = time.time()
    expected = sum(
        w.store.scalar("SELECT count(*) FROM ops WHERE console_id = ?", w.config.console_id)
        for w in opened
    )
    for workspace in opened:
        workspace.close()
    times: list[float] = []
    converged = wait_converged(dirs, expected, last_write, each=times)
    busy = cpu_seconds(pids) - cpu_before
    server_busy = cpu_seconds(server) - server_before
    shown = f"{converged:.2f} s" if converged is not None else "NOT within 600 s"
    write_s = last_write - start
    print(
        f"  {target:6}: {consoles} x {each} ops written in {write_s:.1f} s "
        f"({consoles * each / write_s:.0f} ops/s in all, asked {rate:g}/s per console); "
        f"all consoles hold all {expected} {shown} after the last write"
    )
    if converged is not None:
        print(
            f"          each console held all: first {times[0]:.2f} s, median "
            f"{statistics.median(times):.2f} s, 90th {times[int(len(times) * 0.9) - 1]:.2f} s, "
            f"last {times[-1]:.2f} s after the last write"
        )
    waits.sort()
    print(
        f"          a write (durable append) took p50 {1000 * statistics.median(waits):.1f} ms, "
        f"p99 {1000 * waits[int(len(waits) * 0.99) - 1]:.1f} ms, max {1000 * waits[-1]:.1f} ms "
        f"while every console synced"
    )
    print(
        f"          watchers' CPU while writing and converging: {busy:.1f} s "
        f"({100 * busy / (time.time() - start):.0f} % of one core), "
        f"{1e6 * busy / (consoles * each * (consoles - 1)):.0f} us per op merged"
        + (f"; server CPU {100 * server_busy / (time.time() - start):.0f} %" if hub else "")
    )
    time.sleep(IDLE_AFTER_S)
    pids = [p.pid for p in running]
    extra = server_pids(hub.cluster) if hub else []
    before = cpu_seconds(pids), cpu_seconds(extra)
    time.sleep(IDLE_S)
    after = cpu_seconds(pids), cpu_seconds(extra)
    line = (
        f"          idle {IDLE_S:.0f} s from {IDLE_AFTER_S:.0f} s after converging: watchers' CPU {100 * (after[0] - before[0]) / IDLE_S:.1f} % "
        f"of one core in total"
    )
    if hub:
        import psycopg

        with psycopg.connect(hub.admin_url, autocommit=True) as conn:
            connections = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (hub.dbname,),
            ).fetchone()[0]
        line += (
            f"; server CPU {100 * (after[1] - before[1]) / IDLE_S:.1f} %; "
            f"hub connections {connections} ({connections / consoles:.1f} per console)"
        )
    print(line)
    return converged


def _write(workspace, incident: str, each: int, rate: float, start: float, waits: list) -> None:
    """One console's writer (a thread each, so a write waiting for its console's sync never
    delays the others'): `each` entries, each its own durable commit, on an absolute
    schedule of `rate` a second (late wake-ups are made up)."""
    for n in range(each):
        began = time.perf_counter()
        workspace.store.append(
            "entry.add", {"incident_id": incident, "kind": "note", "text": f"e{n}"}
        )
        waits.append(time.perf_counter() - began)
        if rate:
            ahead = start + (n + 1) / rate - time.time()
            if ahead > 0:
                time.sleep(ahead)


def idle_consoles(folder: Path, consoles: int, hub: Hub) -> None:
    """The CPU of idle `sync --watch` processes on one hub, in windows after they converged."""
    dirs = make_consoles(folder, [f"c{n:02d}" for n in range(consoles)], "hub", hub)
    running = watchers(dirs)
    try:
        settled = wait_converged(dirs, total_ops(dirs), time.time())
        assert settled is not None, "the consoles did not exchange their first ops"
        pids, mark = [p.pid for p in running], time.time()
        for start, length in ((1, 5), (10, 10), (30, 10), (60, 30)):
            time.sleep(max(0.0, mark + start - time.time()))
            extra = server_pids(hub.cluster)
            before = cpu_seconds(pids), cpu_seconds(extra)
            time.sleep(length)
            after = cpu_seconds(pids), cpu_seconds(extra)
            print(
                f"  {start}-{start + length} s after converging: watchers "
                f"{100 * (after[0] - before[0]) / length:.1f} % of one core in all "
                f"({1000 * (after[0] - before[0]) / length / consoles:.1f} ms/s each); "
                f"server {100 * (after[1] - before[1]) / length:.1f} %"
            )
    finally:
        stop(running)


# -- 3. a no-op pull on a large hub --------------------------------------------------------

FILL_SQL = """
INSERT INTO command_console.ops (console_id, seq, record)
SELECT c, s, json_build_object('console_id', c, 'seq', s, 'pad', repeat('x', 300))::text
FROM (SELECT 'syn' || lpad(n::text, 3, '0') AS c FROM generate_series(1, %s) n) consoles,
     generate_series(1, %s) s
"""


def noop_pull(folder: Path, hub: Hub, rows: int, passes: int) -> float:
    import psycopg

    writers = 50
    per = rows // writers
    started = time.perf_counter()
    with psycopg.connect(hub.admin_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO command_console.consoles (console_id, public_key) "
            "SELECT 'syn' || lpad(n::text, 3, '0'), 'synthetic' FROM generate_series(1, %s) n",
            (writers,),
        )
        conn.execute(FILL_SQL, (writers, per))
        conn.execute("ANALYZE command_console.ops")
        held = conn.execute("SELECT count(*) FROM command_console.ops").fetchone()[0]
    print(f"  hub filled with {held} synthetic rows in {time.perf_counter() - started:.1f} s")
    (directory,) = make_consoles(folder, ["reader"], "hub", hub)
    workspace = Workspace.open(directory)
    os.environ["PGPASSWORD"] = PASSWORD
    syncer = Syncer(workspace)
    state = HubState(workspace.store, workspace.config.sync_url)
    state.pulled = {f"syn{n:03d}": per for n in range(1, writers + 1)}
    state.save(workspace.store)
    syncer._hub_swept = time.monotonic()  # the once-a-minute hole sweep is not this figure
    first = syncer.sync_once(wait=True)
    assert first.hub_ok, first.problems
    timings = []
    for _ in range(passes):
        t0 = time.perf_counter()
        result = syncer.sync_once(wait=True)
        timings.append((time.perf_counter() - t0) * 1000)
        assert result.hub_ok and result.applied == 0 and result.published == 0, result
    median = statistics.median(timings)
    print(
        f"  no-op pull on {held} rows (n={passes}): {stats(timings)}  "
        f"(budget 20 ms; median/budget {median / 20:.2f})"
    )
    syncer.close()
    workspace.close()
    return median


def main() -> None:
    let_children_be_interrupted()
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=10_000, help="ops per console in part 1")
    parser.add_argument("--consoles", type=int, default=50, help="consoles in part 2")
    parser.add_argument("--each", type=int, default=1_000, help="ops per console in part 2")
    parser.add_argument(
        "--rate", type=float, default=1.0, help="ops/s per console in part 2 (0: flat out)"
    )
    parser.add_argument(
        "--transport", choices=["both", "hub", "folder"], default="both", help="part 2 through"
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="hub rows in part 3")
    parser.add_argument("--passes", type=int, default=50)
    parser.add_argument("--only", choices=["three", "many", "noop", "idle"])
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    cluster = PgCluster.create("bench")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            if args.only in (None, "three"):
                print(f"1. three consoles x {args.ops} ops, writers flat out (target: hub <= 1 s)")
                folder_s = three_consoles(root / "f1", "folder", args.ops, None)
                hub_s = three_consoles(root / "h1", "hub", args.ops, Hub(cluster, "three"))
                if folder_s and hub_s:
                    print(f"  hub/folder {hub_s / folder_s:.2f}; hub/target {hub_s / 1.0:.2f}")
            if args.only in (None, "many"):
                print(
                    f"2. {args.consoles} consoles x {args.each} ops (target: hub <= 2 s after the last write)"
                )
                folder_s = hub_s = None
                if args.transport != "hub":
                    folder_s = many_consoles(
                        root / "f2", "folder", args.consoles, args.each, None, args.rate
                    )
                if args.transport != "folder":
                    hub = Hub(cluster, "many")
                    hub_s = many_consoles(
                        root / "h2", "hub", args.consoles, args.each, hub, args.rate
                    )
                if folder_s and hub_s:
                    print(f"  hub/folder {hub_s / folder_s:.2f}; hub/target {hub_s / 2.0:.2f}")
            if args.only in (None, "idle"):
                print(f"4. {args.consoles} idle consoles on one hub")
                idle_consoles(root / "i4", args.consoles, Hub(cluster, "idle"))
            if args.only in (None, "noop"):
                print(f"3. no-op pull on a hub of {args.rows} rows (target: <= 20 ms)")
                noop_pull(root / "n3", Hub(cluster, "noop"), args.rows, args.passes)
    finally:
        cluster.close()


if __name__ == "__main__":
    main()
