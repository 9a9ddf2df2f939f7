"""The checks of fault_loop.py: read each console's ledger of acknowledged writes and hold
the data directories, drafts and share to it after the kills.

Ledger lines (tests/sync/fault_worker.py writes them): `entry T` (a log entry T was
committed), `report-try V` / `report V` (report field set to V: started / returned),
`draft-try N` / `draft N` (draft version N: started / saved).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from command_console.data import queries
from command_console.data.drafts import DraftStore
from command_console.data.sync.verify import verify
from tests.sync.fault_worker import FIELD


@dataclass
class Tally:
    lost: Counter = field(default_factory=Counter)  # by kind: entries, report fields, drafts
    duplicated: Counter = field(default_factory=Counter)
    losses: list[str] = field(default_factory=list)  # one line per loss or duplicate
    problems: list[str] = field(default_factory=list)  # anything else that is wrong
    integrity: list[str] = field(default_factory=list)  # PRAGMA integrity_check, one per console
    _seen: set[str] = field(default_factory=set)

    def lose(self, kind: str, why: str) -> None:
        line = f"lost {kind}: {why}"
        if (
            line not in self._seen
        ):  # a draft still behind at the next cycle's check is the same loss
            self._seen.add(line)
            self.lost[kind] += 1
            self.losses.append(line)

    def double(self, kind: str, why: str) -> None:
        self.duplicated[kind] += 1
        self.losses.append(f"duplicated {kind}: {why}")


class Ledger:
    """What one console acknowledged, read incrementally (only whole lines) after each cycle."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset = path, 0
        self.entries: list[str] = []
        self.reports: list[str] = []  # acknowledged values, oldest first
        self.report_pending: set[str] = set()  # started after the last acknowledged one
        self.drafts: list[int] = []
        self.draft_pending: set[int] = set()

    def read(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return
        end = data.rfind(b"\n") + 1
        self.offset += end
        for line in data[:end].decode().splitlines():
            kind, value = line.split(" ", 1)
            if kind == "entry":
                self.entries.append(value)
            elif kind == "report-try":
                self.report_pending.add(value)
            elif kind == "report":
                self.reports.append(value)
                self.report_pending.clear()
            elif kind == "draft-try":
                self.draft_pending.add(int(value))
            elif kind == "draft":
                self.drafts.append(int(value))
                self.draft_pending.clear()

    def report_allowed(self) -> set[str]:
        """The last acknowledged value, or one started later (it may have committed before the kill)."""
        return set(self.reports[-1:]) | self.report_pending | (set() if self.reports else {""})


def check_draft(folder: Path, incident: str, ledger: Ledger, tally: Tally, name: str) -> None:
    """After a kill: the draft loads and is the last acknowledged version or a later one."""
    drafts = DraftStore(folder)
    path = drafts.path(incident)
    if not path.exists():
        if ledger.drafts:
            tally.lose(
                "drafts", f"{name}: no draft file after version {ledger.drafts[-1]} was saved"
            )
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        version = data["version"]
    except (ValueError, KeyError, TypeError) as exc:
        tally.problems.append(f"{name}: draft file torn or unreadable ({exc})")
        return
    if [p.name for p in folder.glob("*.json")] != [path.name]:
        tally.problems.append(
            f"{name}: drafts folder holds {sorted(p.name for p in folder.iterdir())}"
        )
    if drafts.load(incident) != {FIELD: f"draft {version}"}:
        tally.problems.append(
            f"{name}: draft version {version} holds other values: {drafts.load(incident)}"
        )
    if ledger.drafts and version < ledger.drafts[-1]:
        tally.lose(
            "drafts", f"{name}: draft version {version} on disk, {ledger.drafts[-1]} was saved"
        )
    elif version not in set(ledger.drafts[-1:]) | ledger.draft_pending:
        tally.problems.append(f"{name}: draft version {version} on disk was never written last")


def stray_temp_files(folder: Path) -> int:
    """Temp files a kill left behind; DraftStore never reads them as drafts (checked above)."""
    return len(list(folder.glob(".draft-*.tmp"))) if folder.is_dir() else 0


def check_entries(store, ledgers: dict[str, Ledger], tally: Tally, where: str) -> None:
    found = Counter(
        e.text for i in queries.list_incidents(store) for e in queries.timeline(store, i.id)
    )
    for ledger in ledgers.values():
        for text in ledger.entries:
            if found[text] == 0:
                tally.lose("entries", f"{where}: entry {text}")
            elif found[text] > 1:
                tally.double("entries", f"{where}: entry {text} x{found[text]}")


def check_reports(
    store, ledgers: dict[str, Ledger], incidents: dict[str, str], tally: Tally, where: str
) -> None:
    """Every acknowledged report.set is in the log exactly once; the folded value is the last one."""
    rows = store.rows("SELECT json_extract(payload, '$.value') FROM ops WHERE kind = 'report.set'")
    found = Counter(row[0] for row in rows)
    for name, ledger in ledgers.items():
        for value in ledger.reports:
            if found[value] == 0:
                tally.lose("report fields", f"{where}: report.set {value}")
            elif found[value] > 1:
                tally.double("report fields", f"{where}: report.set {value} x{found[value]}")
        value = queries.get_report(store, incidents[name]).value(FIELD)
        if value not in ledger.report_allowed():
            tally.lose(
                "report fields",
                f"{where}: {name}'s {FIELD} is {value!r}, last acknowledged "
                f"{(ledger.reports or [''])[-1]!r}",
            )


def check_store(
    workspace,
    share: Path,
    ledgers: dict[str, Ledger],
    incidents: dict[str, str],
    tally: Tally,
    where: str,
) -> None:
    store = workspace.store
    check_entries(store, ledgers, tally, where)
    check_reports(store, ledgers, incidents, tally, where)
    result = store.integrity_check()
    tally.integrity.append(result)
    if result != "ok":
        tally.problems.append(f"{where}: integrity_check {result}")
    tally.problems.extend(verify(store, share)[1])
