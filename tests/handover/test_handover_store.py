"""Handover against a real SQLite store: two signed ops, logged, rebuildable; windows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from command_console.core.contacts import Contact
from command_console.core.errors import UserError
from command_console.core.incidents import CallOutcome
from command_console.data import actions, queries, shift


def test_handover_closes_the_shift_and_starts_the_next_signed_by_each_lead(ws, clock):
    store = ws.store
    power = actions.open_incident(store, ws.plan("power-outage"), started_at=clock.now())
    contact = queries.list_contacts(store)[0]
    actions.log_call(store, power, contact, contact.phones[0], CallOutcome.NO_ANSWER)
    clock.advance(minutes=10)
    old = queries.current_shift(store)
    old_id, new_id = shift.handover(
        store, outgoing="  wang   LI ", incoming="Zhang Wei 张伟", note="UPS at 40%\nCall IT"
    )
    shifts = {s.id: s for s in queries.list_shifts(store)}
    assert (
        old_id == old.id
        and shifts[old_id].ended_at == clock.now()
        and shifts[old_id].next_lead == "Zhang Wei 张伟"
    )
    assert shifts[old_id].handover_note == "UPS at 40%\nCall IT"
    assert (
        queries.current_shift(store).id == new_id
        and queries.current_shift(store).lead == "Zhang Wei 张伟"
    )
    ops = store.all_ops()[-2:]
    assert [(o.kind, o.author) for o in ops] == [
        ("shift.handover", "Wang Li"),
        ("shift.start", "Zhang Wei 张伟"),
    ]
    recorded = shift.stored_summary(store, old_id)
    assert (
        recorded["counts"]["overdue_steps"] == 1
        and recorded["callbacks"][0]["name"] == contact.name
    )
    assert [e.text for e in queries.timeline(store, "")][-2:] == [
        "Shift handed over to Zhang Wei 张伟",
        "Shift started, lead Zhang Wei 张伟",
    ]
    assert store.author == "Zhang Wei 张伟"
    actions.log(store, power, "after handover")
    assert queries.timeline(store, power)[-1].author == "Zhang Wei 张伟"
    before = store.table_digest()
    store.rebuild()
    assert store.table_digest() == before


@pytest.mark.parametrize(
    "outgoing, incoming, message",
    [
        (
            "Li Wang",
            "Zhang",
            "outgoing lead signature 'Li Wang' does not match the shift lead 'Wang Li'",
        ),
        ("", "Zhang", "outgoing lead signature is empty"),
        ("Wang Li", " \x1b[31m ", "incoming lead name is empty"),
    ],
)
def test_bad_signatures_write_nothing(ws, outgoing, incoming, message):
    count = ws.store.op_count()
    with pytest.raises(UserError) as error:
        shift.handover(ws.store, outgoing=outgoing, incoming=incoming)
    assert str(error.value) == message and ws.store.op_count() == count
    assert queries.current_shift(ws.store).lead == "Wang Li" and ws.store.author == "Wang Li"


def test_hostile_note_and_names_are_cleaned_before_they_are_stored(ws):
    shift.handover(
        ws.store, outgoing="Wang Li", incoming="Zhang\u202e\x07 Wei", note="a\x1b[2Jb\r\nc"
    )
    ended = queries.list_shifts(ws.store)[0]
    assert ended.handover_note == "ab\nc" and ended.next_lead == "Zhang Wei"


def test_window_by_shift_prefix_since_until_or_current(ws, clock):
    first = queries.current_shift(ws.store)
    clock.advance(hours=8)
    shift.handover(ws.store, outgoing="Wang Li", incoming="Zhang")
    clock.advance(hours=1)
    now = clock.now()
    window = shift.shift_window(ws.store, now, shift_id=first.id[:7])
    assert (window.since, window.until, window.shift_id) == (
        first.started_at,
        first.started_at + timedelta(hours=8),
        first.id,
    )
    current = shift.shift_window(ws.store, now)
    assert current.until == now and current.since == now - timedelta(hours=1)
    span = shift.shift_window(ws.store, now, since=now - timedelta(hours=2))
    assert (span.since, span.until, span.shift_id) == (now - timedelta(hours=2), now, None)
    with pytest.raises(UserError, match=r"--until .* must be after --since"):
        shift.shift_window(ws.store, now, since=now, until=now - timedelta(minutes=1))
    with pytest.raises(UserError, match="either --shift or --since/--until"):
        shift.shift_window(ws.store, now, shift_id=first.id, since=now)
    with pytest.raises(UserError, match=r"unknown shift|no shift"):
        shift.shift_window(ws.store, now, shift_id="zzzz")


def test_contact_name_given_to_log_call_is_cleaned_in_the_summary(ws):
    """log_call trusts its Contact; the handover record still carries no control characters."""
    iid = actions.open_incident(ws.store, ws.plan("power-outage"))
    hostile = Contact("c-x", "Eve\u202e\x1b[31m", {}, ("1",), "", True)
    actions.log_call(ws.store, iid, hostile, "1", CallOutcome.NO_ANSWER)
    old_id, _ = shift.handover(ws.store, outgoing="Wang Li", incoming="Zhang")
    assert shift.stored_summary(ws.store, old_id)["callbacks"][0]["name"] == "Eve"
