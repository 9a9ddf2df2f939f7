"""Republish requests ("need-" files) cost one bounded rewrite, however many there are."""

from __future__ import annotations

from command_console.data import actions
from command_console.data.sync import segments as seg
from tests.sync.conftest import sync_all


def _own_bytes(folder) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.seg"))


def test_two_hundred_requests_make_one_republish(consoles, share):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    incident = actions.open_incident(a.store, a.plan("power"))
    for n in range(50):
        actions.log(a.store, incident, f"entry {n}")
    sync_all([sa, sb])
    before = _own_bytes(share / a.config.console_id)
    top = a.store.op_count()
    for n in range(200):  # the peer asks again and again, for more than there is
        (
            share / b.config.console_id / seg.need_name(a.config.console_id, 1, top + n * 1000)
        ).touch()
    first = sa.sync_once(wait=True)
    written_once = _own_bytes(share / a.config.console_id) - before
    again = sa.sync_once(wait=True)
    assert written_once <= before * 1.5  # one rewrite of what was published, not 200
    assert sum("asked for seq" in p for p in first.problems) == 1
    assert not any("asked for seq" in p for p in again.problems)  # answered once a minute at most
    assert _own_bytes(share / a.config.console_id) - before == written_once
