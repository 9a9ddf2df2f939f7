"""A post-incident review with two corrective actions crosses a handover and is closed on
the next shift on another console after sync (issue #15)."""

from __future__ import annotations

from datetime import timedelta

from command_console.core.handover import summary_lines
from command_console.core.incidents import Status
from command_console.data import actions, actions_duties, queries_duties, shift
from tests.sync.conftest import run_cli_in_process as run_cli
from tests.sync.conftest import sync_all


def test_review_with_two_actions_crosses_handover_and_is_closed_on_another_console(
    consoles, tmp_path
):
    a, sync_a = consoles("a")
    b, sync_b = consoles("b")
    incident = actions.open_incident(a.store, a.plan("power"))
    actions.set_status(a.store, incident, Status.RESOLVED)
    actions_duties.set_review_field(a.store, incident, "cause", "UPS battery worn out")
    actions_duties.set_review_field(a.store, incident, "submitted_to", "安全监察部经理")
    now = a.clock.now()
    battery = actions_duties.add_action(
        a.store, incident, "Replace the UPS battery", "Zhang", now + timedelta(days=3)
    )
    generator = actions_duties.add_action(
        a.store, incident, "Test the generator monthly", "Li", now + timedelta(days=7)
    )

    lead = a.store.current_lead()
    old_shift, _new = shift.handover(a.store, outgoing=lead, incoming="Zhang Wei", note="UPS")
    carried = shift.stored_summary(a.store, old_shift)["duties"]["open_actions"]
    assert {x["id"] for x in carried} == {battery, generator}
    assert "Open corrective actions (2)" in "\n".join(
        summary_lines(shift.summary(a.store), a.config.zone)
    )

    sync_all([sync_a, sync_b])
    assert {x.id for x in shift.summary(b.store).duties.actions} == {
        battery,
        generator,
    }  # the next shift sees them
    run_cli(tmp_path / "b", "review", "action", "done", battery[:6], "--note", "battery replaced")
    actions_duties.close_action(b.store, generator, "on the monthly checklist now")
    sync_all([sync_a, sync_b])

    closed = {x.id: x for x in queries_duties.actions(a.store, incident)}
    assert queries_duties.actions(a.store, open_only=True) == []
    assert (closed[battery].status, closed[battery].done_note) == ("done", "battery replaced")
    assert closed[generator].done_note == "on the monthly checklist now"
    assert a.store.table_digest() == b.store.table_digest()
    refused = run_cli(
        tmp_path / "b", "review", "action", "done", battery, "--note", "again", check=False
    )
    assert refused.returncode == 2 and "already closed" in refused.stderr
