"""A byte-stable shift for export tests (helpers; fixtures in conftest.py): fixed clock, console id and op ids.

Operation and shift ids come from uuid4; the fixture swaps it for a counter so two runs
write the same bytes (the golden files depend on it). Everything else is the real
workspace, store, fold and plan files.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from command_console.core.clock import FakeClock
from command_console.core.contacts import Contact
from command_console.core.incidents import CallOutcome, EntryKind, Severity, Status, StepState
from command_console.data import actions, exports, queries, shift
from command_console.paths import resolve_paths
from command_console.workspace import Workspace

T0 = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
CONSOLE = "k7qd"

INJECTION = {
    "markup": "[bold]Loud[/bold] [@click=app.quit]quit[/]",
    "html": "<script>alert(1)</script> & <b onmouseover=x>hi</b>",
    "formula": "=1+1",
    "at": "@SUM(A1:A9)",
    "plus": "+86 10 5550 0000",
    "minus": "-2+3",
    "controls": "red\x1b[31mALERT\x1b[0m bell\x07 end",
    "bidi": "abc\u202edcba",
    "chinese": "呼入激增，等待时间6分钟",
    "markdown": "*bold* _it_ `code` # not a heading | pipe ~~x~~ ![img](http://evil/x.png)",
}


@pytest.fixture
def fixed_ids(monkeypatch):
    counter = count(1)
    monkeypatch.setattr(
        uuid, "uuid4", lambda: uuid.UUID(bytes=hashlib.sha256(b"%d" % next(counter)).digest()[:16])
    )


def make_workspace(tmp_path, clock: FakeClock, **settings) -> Workspace:
    workspace = Workspace(resolve_paths(tmp_path / "data"), clock)
    defaults = {
        "console_id": CONSOLE,
        "lead_name": "Wang Li",
        "time_zone": "Asia/Shanghai",
        "site_name": "Hotline centre 热线中心",
        "site_location": "3F Building A",
    }
    workspace.initialise(**{**defaults, **settings})
    return workspace


def build_shift(workspace: Workspace, clock: FakeClock, text: dict[str, str] | None = None) -> dict:
    """Three incidents over a shift, then a handover; returns ids. `text` replaces the
    user-typed strings (titles, notes, report fields, names) to feed an injection corpus."""
    t = {
        "title": "Floor 3 dark, UPS on 三楼停电",
        "note": "Generator started 发电机启动",
        "callee": "Zhou Min 周敏",
        "handover": "Watch the UPS.\nIT will call back about the CRM.",
        **(text or {}),
    }
    store = workspace.store
    callee = Contact("c-zhou", t["callee"], {"maintenance": 1}, ("+86 10 5550 0199",), "", True)
    actions.upsert_contacts(store, [callee])
    clock.advance(minutes=30)
    power = actions.open_incident(
        store,
        workspace.plan("power-outage"),
        title=t["title"],
        started_at=clock.now() - timedelta(minutes=2),
    )
    clock.advance(minutes=1)
    actions.set_step(store, power, "phone-maintenance", StepState.DONE, "Maintenance on the way")
    actions.log_call(store, power, callee, callee.phones[0], CallOutcome.NO_ANSWER, "maintenance")
    clock.advance(minutes=9)  # phone-superior (5 min) is now late
    actions.set_step(store, power, "phone-superior", StepState.DONE)
    actions.log(store, power, t["note"])
    actions.log_call(
        store, power, callee, callee.phones[0], CallOutcome.LEFT_MESSAGE, "maintenance"
    )
    clock.advance(minutes=20)
    crm = actions.open_incident(
        store, workspace.plan("system-failure"), severity=Severity.MAJOR, title="CRM not loading"
    )
    for key, value in {
        "site": t.get("site", "Hotline centre, 3F"),
        "occurred_at": "2026-11-22 09:00",
        "type": "system fault",
        "impact": t.get("impact", "40 agents without customer records"),
        "measures": "Manual notes\n- printed material\n- call-back list",
        "trend": "IT expects recovery in 1 h",
        "other": t.get("other", "none"),
    }.items():
        actions.set_report_field(store, crm, key, value)
    actions.complete_report(store, crm)
    clock.advance(minutes=15)
    alarm = actions.open_incident(store, workspace.plan("fire-alarm"), title="Smoke alarm, pantry")
    actions.log(store, alarm, "False alarm: burnt toast", EntryKind.NOTE)
    actions.set_step(store, alarm, "check-alarm", StepState.SKIPPED, "Guard already there")
    clock.advance(minutes=5)
    actions.set_status(store, alarm, Status.RESOLVED)
    actions.set_report_field(store, alarm, "site", "Pantry, zone B")
    clock.advance(hours=1)
    first_shift = queries.current_shift(store).id
    _old, new = shift.handover(
        store, outgoing="Wang Li", incoming=t.get("incoming", "Zhang Wei 张伟"), note=t["handover"]
    )
    clock.advance(minutes=10)
    actions.log(store, power, "Power back, UPS recharging")
    return {"power": power, "crm": crm, "alarm": alarm, "shift": first_shift, "next_shift": new}


def record_for(workspace: Workspace, shift_id: str | None = None, **window):
    now = workspace.clock.now()
    chosen = shift.shift_window(workspace.store, now, shift_id=shift_id, **window)
    return exports.collect(workspace.store, exports.site_of(workspace.config), chosen, now)
