"""Issue #11, "no hostile peer needed": a lead console and a deputy console set up later,
synced both ways. Each entry carries its own console's lead, and each lead's handover
works after syncing with the other console. Real data dirs, a real share, real keys."""

from __future__ import annotations

from command_console.core.clock import SystemClock
from command_console.data import actions, queries
from command_console.data.shift import handover
from command_console.data.sync import Syncer
from command_console.paths import resolve_paths
from command_console.workspace import Workspace


def console(path, share, lead: str) -> tuple[Workspace, Syncer]:
    workspace = Workspace(resolve_paths(path), SystemClock())
    workspace.initialise(lead_name=lead, sync_dir=str(share))
    return workspace, Syncer(workspace, share)


def sync_both_ways(*syncers) -> None:
    for syncer in (*syncers, *syncers):
        result = syncer.sync_once(wait=True)
        assert result.share_ok and not getattr(result, "rejected", None), (
            result.share_state,
            result.problems,
        )


def authors(workspace: Workspace, incident: str) -> dict[str, str]:
    return {e.text: e.author for e in queries.timeline(workspace.store, incident)}


def test_lead_and_deputy_consoles_each_keep_their_own_lead(tmp_path, share):
    a, sa = console(tmp_path / "lead", share, "Li Lei")
    try:
        incident = actions.open_incident(a.store, a.plan("fire"), title="Real fire on 3F")
        actions.log(a.store, incident, "lead: 119 called")
        sa.sync_once(wait=True)
        b, sb = console(tmp_path / "deputy", share, "Wang Fang")  # set up later
        try:
            sync_both_ways(sa, sb)
            actions.log(b.store, incident, "deputy: east stairwell clear")
            actions.log(a.store, incident, "lead: fire brigade on site")
            sync_both_ways(sa, sb)
            for workspace in (a, b):
                got = authors(workspace, incident)
                assert got["lead: 119 called"] == "Li Lei"
                assert got["lead: fire brigade on site"] == "Li Lei"
                assert got["deputy: east stairwell clear"] == "Wang Fang"
            assert queries.current_shift(a.store).lead == "Li Lei"
            assert queries.current_shift(b.store).lead == "Wang Fang"

            handover(a.store, outgoing="Li Lei", incoming="Zhang Wei", note="fire under control")
            sync_both_ways(sa, sb)
            handover(b.store, outgoing="Wang Fang", incoming="Liu Yang", note="stairwell watched")
            sync_both_ways(sa, sb)
            assert queries.current_shift(a.store).lead == "Zhang Wei"
            assert queries.current_shift(b.store).lead == "Liu Yang"
            actions.log(a.store, incident, "after both handovers (lead console)")
            actions.log(b.store, incident, "after both handovers (deputy console)")
            sync_both_ways(sa, sb)
            for workspace in (a, b):
                got = authors(workspace, incident)
                assert got["after both handovers (lead console)"] == "Zhang Wei"
                assert got["after both handovers (deputy console)"] == "Liu Yang"
            assert a.store.table_digest() == b.store.table_digest()
        finally:
            b.close()
    finally:
        a.close()
