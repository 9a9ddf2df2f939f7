"""Mixed versions (data/sync/recheck.py): what an older release refused because it did not
know it yet is merged once the console is upgraded; what is really wrong stays refused."""

from __future__ import annotations

import json
import time

from command_console.core.op_schema import DOOR_VERSION
from command_console.data import actions
from command_console.data.sync import Syncer, admit, peers, recheck
from tests.sync import hostile
from tests.sync.conftest import entry_texts, sync_all

NEWER = "NEWER-RELEASE entry"
CURRENT_DOOR = admit.problem


def older_door(monkeypatch) -> None:
    """The door of an older release: it refuses what a newer console writes."""

    def problem(op, console):
        if NEWER in json.dumps(op.payload):
            return "unknown to this release"
        return CURRENT_DOOR(op, console)

    monkeypatch.setattr(admit, "problem", problem)


def upgrade(monkeypatch, workspace, share) -> Syncer:
    """The newer release: its door admits the new entry and says so with a higher version;
    the console restarts (a new Syncer)."""
    monkeypatch.setattr(admit, "problem", CURRENT_DOOR)
    monkeypatch.setattr(recheck, "DOOR_VERSION", DOOR_VERSION + 1)
    return Syncer(workspace, share)


def forged_segment(share, console: str) -> None:
    """A console folder with a published key and one record whose signature is forged."""
    signer, stranger = hostile.new_signer(), hostile.new_signer()
    hostile.publish_key(share / console, signer.public_key)
    now = int(time.time() * 1000)
    rec = hostile.op(
        console,
        1,
        "incident.open",
        {
            "id": f"1-{console}",
            "title": "forged",
            "severity": "general",
            "started_at": now,
            "plan": {"id": "p", "title": "p", "steps": [{"id": "s", "title": "s", "due_min": 5}]},
        },
        prev_hash="0" * 64,
        ms=now,
        signer=stranger,
        v=2,
    )
    hostile.drop_ops(share / console, console, [rec], now)


def test_what_an_older_release_refused_is_merged_after_the_upgrade(consoles, share, monkeypatch):
    (a, sa), (b, sb) = consoles("a"), consoles("b")
    incident = actions.open_incident(a.store, a.plan("power"))
    for text in ("known to both", NEWER, "after it"):
        actions.log(a.store, incident, text)
    forged_segment(share, "evil")
    older_door(monkeypatch)
    sync_all([sa, sb])
    assert "after it" in entry_texts(b.store) and NEWER not in entry_texts(b.store)
    assert peers.rejected_counts(b.store) == {a.config.console_id: 1, "evil": 1}
    assert sb.sync_once(wait=True).applied == 0  # the refused one is not read again by itself

    upgraded = upgrade(monkeypatch, b, share)
    result = upgraded.sync_once(wait=True)
    assert any("checking again after an upgrade" in line for line in result.problems)
    assert NEWER in entry_texts(b.store)
    assert peers.rejected_counts(b.store) == {"evil": 1}  # the forgery is refused again
    assert a.store.table_digest()["entries"] == b.store.table_digest()["entries"]
    again = upgraded.sync_once(wait=True)
    assert again.applied == 0 and not any("checking again" in p for p in again.problems)
    assert not any("checking again" in p for p in Syncer(b, share).sync_once(wait=True).problems)
