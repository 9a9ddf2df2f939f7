"""Fixing a mistaken incident (issue #14 item 8): change its plan, cancel it, correct or
retract a log entry. Real SQLite in tmp_path, fake clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from command_console.core.clock import FakeClock
from command_console.core.errors import UserError
from command_console.core.incidents import EntryKind, Severity, Status, StepState
from command_console.core.op_schema import payload_problem
from command_console.data import actions, actions_edit, queries, queries_duties
from command_console.data.exports import render
from command_console.data.exports.record import collect, site_of
from command_console.data.plan_files import load_library
from command_console.data.shift import Window, summary
from command_console.data.store import Store
from command_console.paths import shipped_plans_dir

PLANS = load_library([shipped_plans_dir()]).plans
T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
def store(tmp_path, clock):
    found = Store(tmp_path / "a.db", "aaaa", "Ann", clock)
    yield found
    found.close()


def _texts(store, incident):
    return [e.text for e in queries.timeline(store, incident)]


# -- change of plan -------------------------------------------------------------------


def test_a_new_plan_starts_fresh_timed_from_the_change(store, clock):
    incident = actions.open_incident(store, PLANS["system-failure"])
    first = queries.get_incident(store, incident).steps[0].step_id
    actions.set_step(store, incident, first, StepState.DONE)
    clock.advance(minutes=20)
    actions_edit.change_plan(store, incident, PLANS["power-outage"])
    found = queries.get_incident(store, incident)
    assert (found.plan_id, found.plan_title) == ("power-outage", "Power outage")
    assert [s.step_id for s in found.steps] == [s.id for s in PLANS["power-outage"].steps]
    assert all(s.state == StepState.PENDING for s in found.steps)
    superior = next(s for s in found.steps if s.step_id == "phone-superior")
    assert superior.due_at == T0 + timedelta(minutes=20, seconds=300)  # from the change
    texts = _texts(store, incident)
    assert any(t.startswith("Step done: ") for t in texts)  # the old plan's history stays
    assert (
        "Plan changed from Application / network / system failure to Power outage by Ann; "
        "steps of Application / network / system failure: 1 done, 0 skipped,"
    ) in texts[-1]
    # a later change of the start time leaves the new plan's deadlines alone
    actions.set_started_at(store, incident, T0 - timedelta(hours=1))
    again = queries.get_incident(store, incident)
    assert next(s for s in again.steps if s.step_id == "phone-superior").due_at == superior.due_at


def test_a_change_to_the_same_plan_or_of_a_closed_incident_is_refused(store):
    incident = actions.open_incident(store, PLANS["power-outage"])
    with pytest.raises(UserError, match="already follows plan"):
        actions_edit.change_plan(store, incident, PLANS["power-outage"])
    actions.set_status(store, incident, Status.RESOLVED)
    with pytest.raises(UserError, match="resolved"):
        actions_edit.change_plan(store, incident, PLANS["fire-alarm"])
    assert store.scalar("SELECT count(*) FROM ops WHERE kind = 'incident.plan'") == 0


def test_the_change_plan_refusals_speak_the_chosen_language(store):
    """Reachable from the console by choosing the same plan again with p: the refusal named
    the plan by its English title and the status by its raw word ('resolved') in zh-CN."""
    from command_console.i18n import set_language

    incident = actions.open_incident(store, PLANS["power-outage"])
    set_language("zh-CN")
    with pytest.raises(UserError) as same:
        actions_edit.change_plan(store, incident, PLANS["power-outage"])
    actions.set_status(store, incident, Status.RESOLVED)
    with pytest.raises(UserError) as closed:
        actions_edit.change_plan(store, incident, PLANS["fire-alarm"])
    set_language("en")
    assert str(same.value) == f"{incident} 已在按预案 断电 处置", same.value  # was 'Power outage'
    assert str(closed.value) == f"{incident} 状态为已结束：不能更换预案", closed.value


# -- cancel ----------------------------------------------------------------------------


def test_a_cancelled_incident_is_kept_and_out_of_every_count(tmp_path, clock):
    from command_console.workspace import Workspace

    ws = Workspace.open(tmp_path / "data", clock)
    store = ws.store
    actions.start_shift(store, "Ann")
    real = actions.open_incident(store, PLANS["power-outage"], severity=Severity.CRITICAL)
    mistaken = actions.open_incident(store, PLANS["fire-alarm"], severity=Severity.CRITICAL)
    clock.advance(minutes=1)
    with pytest.raises(UserError, match="reason"):
        actions_edit.cancel_incident(store, mistaken, "  ")
    actions_edit.cancel_incident(store, mistaken, "duplicate of " + real)
    assert [i.id for i in queries.list_incidents(store)] == [real]
    listed = {i.id: i for i in queries.list_incidents(store, include_resolved=True)}
    assert listed[mistaken].status == Status.CANCELLED and not listed[mistaken].is_open
    last = _texts(store, mistaken)[-1]
    assert last.startswith("Cancelled by ") and last.endswith(f"(was active): duplicate of {real}")
    handover = summary(store)
    assert [i.id for i in handover.open_incidents] == [real]
    assert mistaken not in {r.incident_id for r in handover.reports}
    assert {d.incident_id for d in queries_duties.open_upward_dues(store)} == {real}
    record = collect(store, site_of(ws.config), Window(T0, T0 + timedelta(hours=1)), clock.now())
    markdown = render(record, "md").decode()
    assert "1 (1 open)" in markdown and "1 cancelled" in markdown
    with pytest.raises(UserError, match="already cancelled"):
        actions_edit.cancel_incident(store, mistaken, "again")
    ws.close()


# -- corrections ----------------------------------------------------------------------


def test_a_corrected_entry_keeps_its_text_and_shows_the_correction(store, clock):
    incident = actions.open_incident(store, PLANS["power-outage"])
    entry = actions.log(store, incident, "fire in hall B")
    clock.advance(minutes=2)
    actions_edit.amend_entry(store, incident, entry.id, "fire in hall A", "wrong hall")
    shown = next(e for e in queries.timeline(store, incident) if e.id == entry.id)
    assert shown.text == "fire in hall B"
    assert (shown.amendment.text, shown.amendment.reason, shown.amendment.author) == (
        "fire in hall A",
        "wrong hall",
        "Ann",
    )
    clock.advance(minutes=1)
    actions_edit.amend_entry(store, incident, entry.id, "", "wrong incident", retract=True)
    shown = next(e for e in queries.timeline(store, incident) if e.id == entry.id)
    assert shown.amendment.retracted and shown.amendment.count == 2
    assert shown.text == "fire in hall B"
    with pytest.raises(UserError, match="already retracted"):
        actions_edit.amend_entry(store, incident, entry.id, "", "again", retract=True)


def test_only_typed_log_entries_are_corrected_and_a_reason_is_needed(store):
    incident = actions.open_incident(store, PLANS["power-outage"])
    opened = queries.timeline(store, incident)[0]
    assert opened.kind == EntryKind.STATUS
    with pytest.raises(UserError, match="typed log entries and call lines"):
        actions_edit.amend_entry(store, incident, opened.id, "x", "why")
    entry = actions.log(store, incident, "fire")
    with pytest.raises(UserError, match="reason"):
        actions_edit.amend_entry(store, incident, entry.id, "smoke", "")
    with pytest.raises(UserError, match="same"):
        actions_edit.amend_entry(store, incident, entry.id, "fire", "why")
    assert store.scalar("SELECT count(*) FROM ops WHERE kind = 'entry.amend'") == 0


def test_every_export_shows_the_original_and_its_correction(tmp_path, clock):
    from command_console.workspace import Workspace

    ws = Workspace.open(tmp_path / "data", clock)
    store = ws.store
    incident = actions.open_incident(store, PLANS["power-outage"])
    kept = actions.log(store, incident, "caller says hall B")
    gone = actions.log(store, incident, "logged on the wrong incident")
    clock.advance(minutes=3)
    actions_edit.amend_entry(store, incident, kept.id, "caller says hall A", "misheard")
    actions_edit.amend_entry(store, incident, gone.id, "", "wrong incident", retract=True)
    record = collect(store, site_of(ws.config), Window(T0, T0 + timedelta(hours=1)), clock.now())
    markdown = render(record, "md").decode()
    who = store.author
    assert f"~~caller says hall B~~ caller says hall A *(corrected by {who} at" in markdown
    assert f"~~logged on the wrong incident~~ *(retracted by {who} at" in markdown
    html = render(record, "html").decode()
    assert f"<del>caller says hall B</del> caller says hall A <em>(corrected by {who}" in html
    csv = render(record, "csv").decode()
    assert f"caller says hall A [corrected by {who} at" in csv
    assert "was: caller says hall B]" in csv and f"[retracted by {who} at" in csv
    data = json.loads(render(record, "json"))
    entries = {e["id"]: e for i in data["incidents"] for e in i["entries"]}
    assert entries[kept.id]["text"] == "caller says hall B"
    assert entries[kept.id]["amendment"]["text"] == "caller says hall A"
    assert entries[gone.id]["amendment"]["retracted"] is True
    ws.close()


# -- the fold is total; the schema is the door -----------------------------------------


def test_fixes_of_unknown_incidents_or_entries_change_nothing(tmp_path, clock):
    """A peer's fix of an incident (or entry) this console does not have folds to nothing,
    in a merge and in a rebuild, and never raises."""
    other = Store(tmp_path / "b.db", "bbbb", "Bo", clock)
    theirs = actions.open_incident(other, PLANS["power-outage"])
    note = actions.log(other, theirs, "a note")
    fixes = [
        actions_edit.amend_entry(other, theirs, note.id, "b note", "typo"),
        actions_edit.change_plan(other, theirs, PLANS["fire-alarm"]),
        actions_edit.cancel_incident(other, theirs, "duplicate"),
    ]
    here = Store(tmp_path / "a.db", "aaaa", "Ann", clock)
    mine = actions.open_incident(here, PLANS["power-outage"])
    before = here.table_digest()
    here.merge(fixes)
    assert {k: v for k, v in here.table_digest().items() if k != "entry_amendments"} == {
        k: v for k, v in before.items() if k != "entry_amendments"
    }
    assert queries.get_incident(here, mine).status == Status.ACTIVE
    assert queries.timeline(here, theirs) == []
    here.rebuild()
    assert queries.list_incidents(here)[0].id == mine
    here.close()
    other.close()


@pytest.mark.parametrize(
    ("kind", "payload", "problem"),
    [
        ("incident.cancel", {"id": "1-aaaa", "reason": "", "base": None}, "reason"),
        ("incident.cancel", {"id": "1-aaaa", "reason": "x" * 2001, "base": None}, "reason"),
        ("incident.cancel", {"id": "1-aaaa", "reason": "dup"}, "base"),
        ("incident.plan", {"id": "1-aaaa", "plan": {"id": "p"}, "base": None}, "plan"),
        (
            "entry.amend",
            {
                "incident_id": "1-aaaa",
                "entry_id": "0" * 32,
                "text": "x",
                "retracted": True,
                "reason": "r",
            },
            "text",
        ),
        (
            "entry.amend",
            {
                "incident_id": "1-aaaa",
                "entry_id": "0" * 32,
                "text": "",
                "retracted": False,
                "reason": "r",
            },
            "text",
        ),
        (
            "entry.amend",
            {
                "incident_id": "1-aaaa",
                "entry_id": "not-an-op",
                "text": "x",
                "retracted": False,
                "reason": "r",
            },
            "entry_id",
        ),
        (
            "incident.set",
            {"id": "1-aaaa", "field": "status", "value": "cancelled", "base": None},
            "value",
        ),
    ],
)
def test_the_schema_refuses_bad_fixes(kind, payload, problem):
    found = payload_problem(kind, payload)
    assert found is not None and problem in found


def test_the_schema_accepts_good_fixes(store):
    incident = actions.open_incident(store, PLANS["power-outage"])
    assert (
        payload_problem(
            "incident.plan",
            {"id": incident, "plan": actions.plan_snapshot(PLANS["fire-alarm"]), "base": None},
        )
        is None
    )


def test_plan_change_and_cancel_entries_read_in_chinese(store, clock):
    """The fold stores its own entries in English (the same on every console); a zh-CN
    console reads the plan-change and cancel entries in Chinese, plan titles included."""
    from command_console.i18n import current_language, set_language

    incident = actions.open_incident(store, PLANS["system-failure"])
    clock.advance(minutes=5)
    actions_edit.change_plan(store, incident, PLANS["power-outage"])
    actions_edit.cancel_incident(store, incident, "opened by mistake")
    before = current_language()
    set_language("zh-CN")
    try:
        texts = _texts(store, incident)
    finally:
        set_language(before)
    changed = next(t for t in texts if "将预案由" in t)
    assert "断电" in changed and "Power outage" not in changed
    assert any(t.startswith("Ann 已撤销") and "opened by mistake" in t for t in texts), texts


def test_a_call_logged_by_mistake_is_retracted_and_no_longer_counts(store):
    """c Enter on the wrong roster row logs a call to the wrong person: the lead retracts
    the line (kept, marked, in the audit); the call no longer counts as made (alarm strip,
    handover). A call's text cannot be rewritten: the right call is logged anew."""
    from command_console.core.contacts import Contact
    from command_console.core.incidents import CallOutcome
    from command_console.data import queries_edit

    incident = actions.open_incident(store, PLANS["power-outage"])
    contact = Contact("wang", "Wang Fang", {"superior": 1}, ("+86 10 5550 0101",))
    call = actions.log_call(store, incident, contact, contact.phones[0], CallOutcome.REACHED)
    assert [c.id for c in queries.list_calls(store, incident)] == [call.id]
    with pytest.raises(UserError, match="only be retracted"):
        actions_edit.amend_entry(store, incident, call.id, "Call someone else", "wrong row")
    actions_edit.amend_entry(store, incident, call.id, "", "wrong row", retract=True)
    assert queries.list_calls(store, incident) == []
    assert queries.list_calls(store) == []
    line = next(e for e in queries.timeline(store, incident) if e.id == call.id)
    assert line.amendment is not None and line.amendment.retracted
    assert line.amendment.reason == "wrong row"
    assert [n.id for n in queries_edit.log_notes(store, incident)] == [call.id]
