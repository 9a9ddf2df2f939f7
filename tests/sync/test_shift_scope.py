"""Shifts are per console: joining another's shift is explicit; exports of this console or all."""

from __future__ import annotations

import json

from command_console.data import actions, queries
from command_console.data import shift as shifts
from tests.sync.conftest import run_cli_in_process as run_cli
from tests.sync.conftest import sync_all


def _leads(a, b) -> None:
    shifts.handover(a.store, outgoing=a.store.current_lead(), incoming="Li Lei")
    shifts.handover(b.store, outgoing=b.store.current_lead(), incoming="Wang Fang")


def test_a_deputy_joins_the_lead_shift_only_when_asked(consoles, share):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    _leads(a, b)
    sync_all([sa, sb])
    assert b.store.current_lead() == "Wang Fang"  # syncing alone changes nothing
    shifts.join_shift(b.store, a.config.console_id)
    incident = actions.open_incident(b.store, b.plan("power"))
    actions.log(b.store, incident, "deputy line")
    sync_all([sa, sb])
    authors = {e.text: e.author for e in queries.timeline(a.store, incident)}
    assert authors["deputy line"] == "Li Lei"
    assert a.store.current_lead() == "Li Lei" and queries.current_shift(a.store).lead == "Li Lei"


def test_join_names_consoles_with_a_shift_when_the_console_is_unknown(consoles, share, tmp_path):
    (a, sa), (_b, sb) = consoles("a"), consoles("b")
    sync_all([sa, sb])
    proc = run_cli(tmp_path / "b", "join-shift", "zzzz", check=False)
    assert (
        proc.returncode == 2
        and a.config.console_id in proc.stderr
        and "Traceback" not in proc.stderr
    )


def test_export_of_this_console_or_all(consoles, share, tmp_path):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    _leads(a, b)
    ia = actions.open_incident(a.store, a.plan("power"))
    actions.log(a.store, ia, "line from a")
    ib = actions.open_incident(b.store, b.plan("fire"))
    actions.log(b.store, ib, "line from b")
    sync_all([sa, sb])
    every = json.loads(run_cli(tmp_path / "a", "export", "-f", "json", "--out", "-").stdout)
    mine = json.loads(
        run_cli(tmp_path / "a", "export", "-f", "json", "--out", "-", "--consoles", "this").stdout
    )
    text_all, text_mine = (
        json.dumps(every, ensure_ascii=False),
        json.dumps(mine, ensure_ascii=False),
    )
    assert "line from a" in text_all and "line from b" in text_all
    assert "line from a" in text_mine and "line from b" not in text_mine
    assert ib not in {i["id"] for i in mine["incidents"]}
