"""Hostile-peer property (issue #11): two honest consoles and, in the share beside them, a
third console's folder full of mutated operations, files dropped into an honest console's
folder and a bad folder that sorts first. After sync both honest consoles hold exactly the
valid operations (each once, the same tables), every bad one is refused or reported, local
writes still work, the console starts and every CLI read command runs without a traceback.

Real data dirs, a real share, real keys; the honest consoles are built once and copied
into each example (building them costs seconds).
"""

from __future__ import annotations

import asyncio
import copy
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from command_console.core.clock import to_ms
from command_console.core.incidents import StepState
from command_console.data import actions
from command_console.data.exports import FORMATS
from command_console.data.sync import Syncer, peers
from command_console.data.sync.state import SyncState
from command_console.workspace import Workspace
from tests.sync import hostile as h

INT_FIELDS = ("seq", "hlc", "wall", "v")
STR_FIELDS = ("id", "console_id", "kind", "entity", "author", "prev_hash", "sig")
BAD_INTS = ["123", -1, 2**63 - 1, 2**64, 1.5, None, True, []]
BAD_STRS = [None, 7, -1, [], {}, True, 2**63 - 1, "x" * 66_000]
BAD_PAYLOADS = [None, [], "x", 7]
# Wrong for any payload field of any kind: float, a dict with a 100-char key, huge, negative, too long.
BAD_ANY = [1.5, {"k" * 100: 1}, 2**63 - 1, -1, "x" * 66_000, [{"k" * 100: 1}]]
ENUM_FIELDS = {"entry.add": "kind", "step.set": "state", "incident.open": "severity"}

mutations = st.one_of(
    st.tuples(st.just("envelope"), st.sampled_from(INT_FIELDS), st.sampled_from(BAD_INTS)),
    st.tuples(st.just("envelope"), st.sampled_from(STR_FIELDS), st.sampled_from(BAD_STRS)),
    st.tuples(st.just("envelope"), st.just("payload"), st.sampled_from(BAD_PAYLOADS)),
    st.tuples(st.just("payload"), st.integers(0, 20), st.sampled_from(BAD_ANY)),
    st.tuples(
        st.sampled_from(
            [
                "enum",
                "no_steps",
                "deep",
                "not_resealed",
                "foreign_console",
                "namespace",
                "shift_namespace",
                "replayed_open",
                "tampered_copy",
                "header_mismatch",
            ]
        ),
        st.just(None),
        st.just(None),
    ),
    st.tuples(
        st.just("signature"), st.sampled_from(["", "AAAA", "outsider", "!" * 300]), st.just(None)
    ),
    st.tuples(st.just("damage"), st.sampled_from(["truncate", "flip"]), st.floats(0, 1)),
    st.tuples(st.just("garbage"), st.binary(max_size=300), st.just(None)),
)
placed = st.tuples(st.sampled_from(["hostile", "honest", "first"]), mutations, st.integers(0, 1000))

TOTALS = {"examples": 0, "honest_ops": 0, "bad_files": 0, "quarantined": 0, "reported": 0}


@dataclass
class World:
    root: Path
    share: Path
    a: Workspace
    b: Workspace
    hostile: Workspace
    syncers: list = field(default_factory=list)

    def close(self) -> None:
        for workspace in (self.a, self.b, self.hostile):
            workspace.close()


@pytest.fixture(scope="module")
def templates(tmp_path_factory, request):
    """Three initialised data dirs with a few operations each (not yet synced).
    At the end, the terminal (when pytest runs without xdist) gets what the property exercised."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        request.addfinalizer(lambda: reporter.write_line(f"hostile-peer property: {TOTALS}"))
    root = tmp_path_factory.mktemp("templates")
    for name, title in (
        ("a", "Real fire on 3F"),
        ("b", "Power cut B2"),
        ("hostile", "Mallory's own"),
    ):
        workspace = Workspace.open(root / name)
        incident = actions.open_incident(workspace.store, workspace.plan("fire"), title=title)
        actions.log(workspace.store, incident, f"first note from {name}")
        step = actions.resolve_step(workspace.store, incident, "1")
        actions.set_step(workspace.store, incident, step, StepState.DONE)
        actions.set_report_field(workspace.store, incident, "site", f"3F east ({name})")
        workspace.close()
    return root


def build_world(templates: Path, root: Path) -> World:
    share = root / "share"
    share.mkdir()
    for name in ("a", "b", "hostile"):
        shutil.copytree(templates / name, root / name)
    opened = [Workspace.open(root / name) for name in ("a", "b", "hostile")]
    for workspace in opened:
        workspace.initialise(sync_dir=str(share))
    world = World(root, share, *opened)
    world.syncers = [Syncer(w, share) for w in opened]
    return world


class Forger:
    """Turns one mutation into a file in the share; returns its path.

    Placements: "hostile" extends the third console's chain in its own folder (signed with
    its real key, so only the mutation can make it bad); "first" is a folder sorting before
    every other, with a key of its own; "honest" drops rewrites of console A's operations
    into A's folder, signed with another key. One known gap, an xfail(strict) test in
    test_trust_boundary.py, is left out here so the property stays deterministic: a forged
    op at a seq the honest console has not written yet, read in the same pass as the real
    one, can displace it (so "honest" forgeries only rewrite seqs A holds).
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self.a_id = world.a.config.console_id
        self.h_id = world.hostile.config.console_id
        self.h_ops = [o for o in world.hostile.store.all_ops() if o.console_id == self.h_id]
        self.a_ops = [o for o in world.a.store.all_ops() if o.console_id == self.a_id]
        self.h_key = world.hostile.store.signer
        self.outsider = h.new_signer()
        self.first_key = h.new_signer()
        h.publish_key(world.share / "00bad", self.first_key.public_key)
        self.next_seq = {
            "hostile": max(o.seq for o in self.h_ops) + 1,
            "honest": max(o.seq for o in self.a_ops) + 1,
            "first": 1,
        }
        self.last_hash = {
            "hostile": self.h_ops[-1].hash,
            "honest": self.a_ops[-1].hash,
            "first": h.GENESIS,
        }
        self.now_ms = to_ms(world.a.clock.now())

    def place(self, where: str, mutation: tuple, pick: int) -> Path:
        kind, arg, value = mutation
        console = {"hostile": self.h_id, "honest": self.a_id, "first": "00bad"}[where]
        signer = {"hostile": self.h_key, "honest": self.outsider, "first": self.first_key}[where]
        folder = self.world.share / console
        if kind in ("damage", "garbage"):
            return self._damaged(folder, kind, arg, value, pick)
        base = self._base(kind, pick)
        if (
            where == "honest"
        ):  # a rewrite of an operation the honest console wrote (see the note above)
            target = self.a_ops[pick % len(self.a_ops)]
            seq, prev = target.seq, target.prev_hash
        else:  # extends the console's chain
            seq, prev = self.next_seq[where], self.last_hash[where]
            self.next_seq[where] += 1
        rec = h.record(base)
        rec.update(id=secrets.token_hex(16), console_id=console, seq=seq, prev_hash=prev)
        header_console, body = console, None
        if kind == "envelope":
            rec[arg] = copy.deepcopy(value)
            rec = h.seal(rec, signer) if arg not in ("sig",) else rec
        elif kind == "payload":
            keys_ = sorted(rec["payload"])
            rec["payload"][keys_[arg % len(keys_)]] = copy.deepcopy(value)
            rec = h.seal(rec, signer)
        elif kind == "enum":
            rec["payload"][ENUM_FIELDS[rec["kind"]]] = "exploded"
            rec = h.seal(rec, signer)
        elif kind == "no_steps":
            rec["payload"]["plan"]["steps"] = []
            rec = h.seal(rec, signer)
        elif kind == "deep":
            body = h.deep_body(h.seal(rec, signer))
        elif kind == "not_resealed":
            rec = h.seal(rec, signer)
            rec["author"] = "Mallory"
        elif kind == "foreign_console":
            rec["console_id"] = self.a_id if console != self.a_id else self.h_id
            rec = h.seal(rec, signer)
        elif kind in ("namespace", "replayed_open"):
            if kind == "namespace":
                other = f"9-{self.a_id}" if console != self.a_id else f"9-{self.h_id}"
                rec["payload"]["id"], rec["entity"] = other, "incident:" + other
            else:
                rec["payload"], rec["entity"] = (
                    copy.deepcopy(self._a_open.payload),
                    self._a_open.entity,
                )
                rec["payload"]["title"] = "DRILL - no action needed"
            rec = h.seal(rec, signer)
        elif kind == "shift_namespace":
            other = f"{self.a_id if console != self.a_id else self.h_id}-abcdef"
            rec["payload"]["id"], rec["entity"] = other, "shift:" + other
            rec = h.seal(rec, signer)
        elif kind == "tampered_copy":  # an op the receivers already hold, changed and re-signed
            original = (
                self.a_ops[pick % len(self.a_ops)]
                if where == "honest"
                else self.h_ops[pick % len(self.h_ops)]
            )
            rec = h.record(original)  # in "first": also another console's op in this folder
            rec["author"] = "Mallory"
            rec = h.seal(rec, signer)
            seq = rec["seq"]
        elif kind == "header_mismatch":
            header_console = self.a_id if console != self.a_id else self.h_id
            rec = h.seal(rec, signer)
        elif kind == "signature":
            rec = h.seal(rec, None)  # a version-2 record: sig ''
            rec["sig"] = self.outsider.sign(rec["hash"]) if arg == "outsider" else arg
        if isinstance(rec.get("hash"), str) and where != "honest":
            self.last_hash[where] = rec["hash"]
        data = h.segment_bytes(header_console, [body or h.body(rec)], seq, seq, self.now_ms)
        # A range nobody holds, so the file is read.
        return h.drop(folder, data, seq, seq + 1000)

    @property
    def _a_open(self):
        return next(o for o in self.a_ops if o.kind == "incident.open")

    def _base(self, kind: str, pick: int):
        if kind == "enum":
            pool = [o for o in self.h_ops if o.kind in ENUM_FIELDS]
        elif kind in ("no_steps", "namespace", "replayed_open"):
            pool = [o for o in self.h_ops if o.kind == "incident.open"]
        elif kind == "shift_namespace":
            pool = [o for o in self.h_ops if o.kind == "shift.start"]
        else:
            pool = self.h_ops
        return pool[pick % len(pool)]

    def _damaged(self, folder: Path, kind: str, how, where, pick: int) -> Path:
        if kind == "garbage":
            return h.drop(folder, how, 5000 + pick, 6000 + pick)
        source = self.world.share / (folder.name if folder.name != "00bad" else self.h_id)
        files = sorted(p for p in source.glob("*.seg"))
        original = files[pick % len(files)]
        first = int(original.name[:10])
        return h.drop(folder, h.damaged(original.read_bytes(), how, where), first, first + 1000)


def op_set(workspace: Workspace) -> set[tuple[str, str]]:
    return {(o.id, o.hash) for o in workspace.store.all_ops()}


def run_reads(workspace: Workspace, out: Path) -> None:
    """Every CLI read command and every export, in-process: no traceback, exit 0 or 1."""
    from command_console.cli import app

    runner = CliRunner()
    data = ["--data-dir", str(workspace.paths.root)]
    incidents = workspace.store.incident_ids()
    commands = [
        ["incident", "list", "--all"],
        ["contacts", "list"],
        ["peers"],
        ["verify"],
        ["shifts"],
    ]
    commands += [["incident", "show", i] for i in incidents] + [["timeline", i] for i in incidents]
    commands += [
        ["export", "--format", fmt, "--out", str(out / f"report.{fmt}")] for fmt in FORMATS
    ]
    for command in commands:
        result = runner.invoke(app, data + command)
        assert result.exit_code in (0, 1), (command, result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            result.exception,
        )
        assert "Traceback" not in result.output, (command, result.output)
    for fmt in FORMATS:
        assert (out / f"report.{fmt}").stat().st_size > 0


async def console_starts(workspace: Workspace) -> None:
    from command_console.app import CommandConsoleApp

    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = 0
        for _ in range(400):  # the list loads in a worker; the sync worker may restart meanwhile
            await pilot.pause(0.05)
            tables = app.screen.query("#incidents")
            rows = tables.first().row_count if tables else 0
            if rows >= 2:
                break
        assert rows >= 2, "the incident list did not render"


# ~2.3 s an example: 8 in the ordinary suite (a new draw each run, and any failure found is
# replayed first from Hypothesis's database), 50 with CC_SLOW=1.
@settings(
    max_examples=50 if os.environ.get("CC_SLOW") else 8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(attacks=st.lists(placed, min_size=1, max_size=6))
def test_hostile_peer_cannot_stop_rewrite_or_impersonate(templates, attacks):
    with tempfile.TemporaryDirectory() as tmp:
        world = build_world(templates, Path(tmp))
        try:
            check_world(world, attacks)
        finally:
            world.close()


def check_world(world: World, attacks) -> None:
    sa, sb, sh = world.syncers
    for syncer in (sh, sa, sb, sa):
        assert syncer.sync_once(wait=True).share_ok
    forger = Forger(world)
    dropped = [forger.place(*attack).relative_to(world.share).as_posix() for attack in attacks]
    a_id = world.a.config.console_id
    a_incident = f"1-{a_id}"
    actions.log(world.a.store, a_incident, "after the attack (A)")
    actions.log(world.b.store, a_incident, "after the attack (B)")
    actions.set_report_field(world.a.store, a_incident, "site", "3F east, stairwell")
    actions.open_incident(world.b.store, world.b.plan("power"), title="B's second")
    for _ in range(3):
        for syncer in (sa, sb):
            result = syncer.sync_once(wait=True)
            assert result.share_ok, (result.share_state, result.problems)
            assert not any(p.startswith("sync error") for p in result.problems), result.problems
    expected: set[tuple[str, str]] = set()  # each console's own log
    for workspace in (world.a, world.b, world.hostile):
        own = workspace.config.console_id
        expected |= {(o.id, o.hash) for o in workspace.store.all_ops() if o.console_id == own}
    assert op_set(world.a) == expected, "console A holds something else than the valid ops"
    assert op_set(world.b) == expected, "console B holds something else than the valid ops"
    assert world.a.store.table_digest() == world.b.store.table_digest()
    assert "Real fire on 3F" in {i.title for i in _incidents(world.a)}
    for workspace in (world.a, world.b):
        rejected = {r.file for r in peers.list_rejected(workspace.store)}
        assert all(r.reason for r in peers.list_rejected(workspace.store))
        reported = set(SyncState.load(workspace.store).bad)
        # A console may delete a file in its own folder that it holds in another (before the other read it).
        unaccounted = [
            rel
            for rel in dropped
            if rel not in rejected | reported and (world.share / rel).exists()
        ]
        assert not unaccounted, f"bad files neither refused nor reported: {unaccounted}"
        actions.log(workspace.store, a_incident, "local writes still work")
    run_reads(world.a, world.root)
    asyncio.run(console_starts(world.a))
    TOTALS["examples"] += 1
    TOTALS["honest_ops"] += len(expected)
    TOTALS["bad_files"] += len(dropped)
    TOTALS["quarantined"] += len(peers.list_rejected(world.a.store))
    TOTALS["reported"] += len(SyncState.load(world.a.store).bad)


def _incidents(workspace):
    from command_console.data import queries

    return queries.list_incidents(workspace.store, include_resolved=True)
