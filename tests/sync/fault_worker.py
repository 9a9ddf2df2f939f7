"""The child side of fault_loop.py: one console logging, autosaving its report draft,
setting report fields and syncing until the parent kills it with SIGKILL.

Before each step the worker writes the step's name to its byte of shared memory
(`Phases`), so the parent can read where a console was when it died. Every write is
noted in the console's ledger only after it returned (acknowledged); drafts and report
fields are also noted just before they start ("try"), because a write that completed
but was not yet noted may legitimately be what survives.
"""

from __future__ import annotations

import mmap
import os
import random
import time
from contextlib import contextmanager
from pathlib import Path

from command_console.data import actions
from command_console.data.drafts import DraftStore
from command_console.data.sync import Syncer
from command_console.workspace import Workspace

CONSOLES = ("a", "b")
PHASES = ("open", "log", "autosave", "report", "publish", "apply", "sync")
FIELD = "measures"  # the report field each console sets on its own incident (no concurrent writers)
BURST = (200, 500)  # a large batch now and then: the other console then has a long merge to do
RUN_S = 5.0  # a worker stops by itself after this long (the parent kills it much sooner)


class Phases:
    """One byte per console in anonymous shared memory, inherited by every forked child."""

    def __init__(self) -> None:
        self._mem = mmap.mmap(-1, len(CONSOLES))

    def set(self, slot: int, phase: str) -> None:
        self._mem[slot] = PHASES.index(phase)

    def get(self, slot: int) -> str:
        return PHASES[self._mem[slot]]


class PhasedSyncer(Syncer):
    """A Syncer that marks publishing (its own folder: new segments, repairs, compaction) and
    applying (merging others' ops into the store); the rest of a pass (lock, bookkeeping,
    listing and reading others' files) is 'sync'. Attribute names avoid Syncer's own."""

    def __init__(self, workspace, mark) -> None:
        super().__init__(workspace)
        self._mark_phase = mark
        self._current_phase = "sync"

    @contextmanager
    def _during(self, phase: str):
        before, self._current_phase = self._current_phase, phase
        self._mark_phase(phase)
        try:
            yield
        finally:
            self._current_phase = before
            self._mark_phase(before)

    def sync_once(self, wait: bool = False):
        self._current_phase = "sync"
        self._mark_phase("sync")
        return super().sync_once(wait)

    def _own_folder(self, state, result) -> None:
        with self._during("publish"):
            super()._own_folder(state, result)

    def _merge_in_slices(self, ops, meanwhile=None):
        if not ops:
            return super()._merge_in_slices(ops, meanwhile)
        with self._during("apply"):
            return super()._merge_in_slices(ops, meanwhile)


# The two overridden steps are private: fail loudly (not with silently empty phase counts) if they move.
assert all(callable(getattr(Syncer, m, None)) for m in ("_own_folder", "_merge_in_slices")), (
    "Syncer internals moved"
)


def drafts_folder(root: Path, name: str) -> Path:
    return root / name / "drafts"  # where the app keeps them: workspace root / "drafts"


def incident_of(root: Path, name: str) -> str:
    return (root / f"incident-{name}.txt").read_text().strip()


class Worker:
    def __init__(self, root: Path, name: str, slot: int, phases: Phases, cycle: int) -> None:
        self.mark = lambda phase: phases.set(slot, phase)
        self.workspace = Workspace.open(root / name)
        self.store = self.workspace.store
        self.syncer = PhasedSyncer(self.workspace, self.mark)
        self.drafts = DraftStore(drafts_folder(root, name))
        self.incident = incident_of(root, name)
        self.ledger = os.open(
            root / f"ledger-{name}.txt", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600
        )
        self.cycle, self.tag, self.n = cycle, f"{name}-{cycle:05d}", 0

    def note(self, *lines: str) -> None:
        os.write(self.ledger, "".join(line + "\n" for line in lines).encode())

    def label(self) -> str:
        self.n += 1
        return f"{self.tag}-{self.n:06d}"

    def log_one(self) -> None:
        self.mark("log")
        text = self.label()
        actions.log(self.store, self.incident, text)
        self.note(f"entry {text}")

    def log_batch(self, count: int) -> None:
        self.mark("log")
        texts = [self.label() for _ in range(count)]
        self.store.append_many(
            [
                ("entry.add", {"incident_id": self.incident, "kind": "note", "text": text})
                for text in texts
            ]
        )
        self.note(*(f"entry {t}" for t in texts))

    def autosave(self) -> None:
        self.mark("autosave")
        version = (
            self.cycle * 1_000_000 + self.n
        )  # grows across cycles (each process counts afresh)
        self.n += 1
        self.note(f"draft-try {version}")
        if self.drafts.save(self.incident, {FIELD: f"draft {version}"}, version):
            self.note(f"draft {version}")

    def report(self) -> None:
        self.mark("report")
        value = self.label()
        self.note(f"report-try {value}")
        actions.set_report_field(self.store, self.incident, FIELD, value)
        self.note(f"report {value}")

    def sync(self) -> None:
        self.syncer.sync_once(wait=True)

    def step(self, rng: random.Random) -> None:
        roll = rng.random()
        if roll < 0.3:
            self.log_one()
        elif roll < 0.4:
            self.log_batch(rng.randint(*BURST) if rng.random() < 0.03 else rng.randint(2, 20))
        elif roll < 0.6:
            self.autosave()
        elif roll < 0.72:
            self.report()
        else:
            self.sync()


def work(root: Path, name: str, slot: int, phases: Phases, seed: int, cycle: int) -> None:
    rng = random.Random(seed)
    phases.set(slot, "open")
    worker = Worker(root, name, slot, phases, cycle)
    if rng.random() < 0.5:
        worker.sync()  # apply what the other console published since: often a long merge
    deadline = time.monotonic() + RUN_S
    while time.monotonic() < deadline:
        worker.step(rng)
