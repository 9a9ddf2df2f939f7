"""Step deadlines in the fold (issue #13 section 3): after, from_severity, at_once, old snapshots.

Real SQLite store in tmp_path, fake clock; every test ends with rebuild == live tables.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from command_console.core.incidents import EntryKind, Severity, StepState
from command_console.core.plans import parse_plan
from command_console.core.timers import waiting_for
from command_console.data import actions, queries
from command_console.data.plan_files import load_library
from command_console.paths import shipped_plans_dir

PLANS = load_library([shipped_plans_dir()]).plans


def _steps(store, incident):
    return {s.step_id: s for s in queries.get_incident(store, incident).steps}


def _assert_rebuild_equal(store):
    live = store.table_digest()
    store.rebuild()
    assert store.table_digest() == live


def test_after_step_waits_then_counts_from_the_referenced_step_done(workspace, clock):
    store = workspace.store
    incident = actions.open_incident(store, PLANS["seat-equipment-failure"])
    step = _steps(store, incident)["agent-logged-in"]
    assert step.due_at is None and step.after == "move-to-spare-seat"
    assert waiting_for(queries.get_incident(store, incident), step).step_id == "move-to-spare-seat"
    clock.advance(seconds=120)
    switched = clock.now()
    actions.set_step(store, incident, "move-to-spare-seat", StepState.DONE)
    step = _steps(store, incident)["agent-logged-in"]
    assert step.due_at - switched == timedelta(minutes=5)
    assert waiting_for(queries.get_incident(store, incident), step) is None
    actions.set_step(store, incident, "move-to-spare-seat", StepState.PENDING)
    assert _steps(store, incident)["agent-logged-in"].due_at is None  # waits again
    clock.advance(seconds=60)
    actions.set_step(store, incident, "move-to-spare-seat", StepState.DONE)
    assert _steps(store, incident)["agent-logged-in"].due_at == clock.now() + timedelta(minutes=5)
    _assert_rebuild_equal(store)


def test_a_skipped_trigger_leaves_its_steps_waiting(workspace):
    store = workspace.store
    incident = actions.open_incident(store, PLANS["fire-alarm"])
    actions.set_step(store, incident, "real-fire-confirmed", StepState.SKIPPED, "false alarm")
    assert _steps(store, incident)["posts-on-site"].due_at is None


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_no_shipped_step_is_overdue_in_the_first_minute(workspace, clock, plan_id):
    """At-once steps are urgent but never ring; the fire timers wait for the confirmation."""
    incident = actions.open_incident(workspace.store, PLANS[plan_id])
    clock.advance(seconds=59)
    steps = queries.get_incident(workspace.store, incident).steps
    assert [s.step_id for s in steps if s.due_at is not None and s.due_at <= clock.now()] == []
    assert all(s.due_at is None for s in steps if s.at_once)


def test_fire_timers_start_at_the_confirmation(workspace, clock):
    store = workspace.store
    incident = actions.open_incident(
        store, PLANS["fire-alarm"], started_at=clock.now() - timedelta(minutes=10)
    )
    clock.advance(seconds=30)
    actions.set_step(store, incident, "real-fire-confirmed", StepState.DONE)
    steps = _steps(store, incident)
    assert steps["posts-on-site"].due_at == clock.now() + timedelta(minutes=1)
    assert steps["off-duty-assembled"].due_at == clock.now() + timedelta(minutes=2)
    assert steps["call-119"].due_at is None and steps["call-119"].at_once


def test_raising_the_severity_adds_the_steps_of_that_level_logged(workspace, clock):
    store = workspace.store
    incident = actions.open_incident(store, PLANS["any-emergency"])
    assert {"serious-start-plan", "major-all-departments", "critical-superior"}.isdisjoint(
        _steps(store, incident)
    )
    clock.advance(seconds=600)
    actions.set_severity(store, incident, Severity.SERIOUS)
    steps = _steps(store, incident)
    assert "serious-start-plan" in steps and "major-all-departments" not in steps
    assert steps["serious-start-plan"].added_at == clock.now()
    texts = [e.text for e in queries.timeline(store, incident) if e.kind == EntryKind.STATUS]
    assert any("plan steps added" in t and "Serious: report to management" in t for t in texts)
    actions.set_severity(store, incident, Severity.CRITICAL)
    assert {"major-all-departments", "critical-superior"} <= set(_steps(store, incident))
    actions.set_severity(store, incident, Severity.GENERAL)  # lowering removes nothing
    assert "critical-superior" in _steps(store, incident)
    positions = [s.position for s in queries.get_incident(store, incident).steps]
    assert positions == sorted(positions)
    _assert_rebuild_equal(store)


def test_opening_at_a_high_severity_includes_its_steps(workspace):
    incident = actions.open_incident(
        workspace.store, PLANS["any-emergency"], severity=Severity.MAJOR
    )
    steps = _steps(workspace.store, incident)
    assert {"serious-start-plan", "major-all-departments"} <= set(
        steps
    ) and "critical-superior" not in steps


TIMED_RAISE = """id = "raise"
title = "Raise"
title_zh = "升级"
category = "general"
severity = "general"

[[steps]]
id = "first"
text = "First"
deadline = "10m"

[[steps]]
id = "serious-call"
text = "Serious: call"
deadline = "15m"
from_severity = "serious"

[[steps]]
id = "serious-after"
text = "After the call"
deadline = "5m"
after = "serious-call"
from_severity = "serious"
"""


def test_a_raised_step_counts_from_the_raise_and_start_changes_move_only_start_deadlines(
    workspace, clock
):
    plan, problems = parse_plan(TIMED_RAISE, "raise.toml")
    assert problems == []
    store = workspace.store
    start = clock.now()
    incident = actions.open_incident(store, plan, started_at=start)
    clock.advance(seconds=1200)
    raised = clock.now()
    actions.set_severity(store, incident, Severity.SERIOUS)
    steps = _steps(store, incident)
    assert steps["serious-call"].due_at == raised + timedelta(minutes=15)
    assert steps["serious-after"].due_at is None
    actions.set_started_at(store, incident, start - timedelta(minutes=30))
    steps = _steps(store, incident)
    assert steps["first"].due_at == start - timedelta(minutes=20)
    assert steps["serious-call"].due_at == raised + timedelta(minutes=15)
    clock.advance(seconds=60)
    actions.set_step(store, incident, "serious-call", StepState.DONE)
    assert _steps(store, incident)["serious-after"].due_at == clock.now() + timedelta(minutes=5)
    _assert_rebuild_equal(store)


def test_step_numbers_are_the_shown_positions_when_steps_are_held(workspace):
    store = workspace.store
    incident = actions.open_incident(store, PLANS["any-emergency"])
    shown = {str(s.position + 1): s.step_id for s in queries.get_incident(store, incident).steps}
    assert "6" not in shown  # serious-start-plan is held
    assert actions.resolve_step(store, incident, "9") == shown["9"] == "keep-customers-informed"


def test_an_old_snapshot_without_the_new_keys_still_folds(workspace, clock):
    store = workspace.store
    old = {
        "id": "old",
        "title": "Old plan",
        "category": "system",
        "steps": [
            {
                "id": "a",
                "text": "Do A",
                "deadline_s": 300,
                "contact_role": "it",
                "escalate": False,
                "note": "",
            }
        ],
    }
    store.append(
        "incident.open",
        {
            "id": "1-old",
            "title": "Old",
            "plan": old,
            "severity": "general",
            "started_at": int(clock.now().timestamp() * 1000),
        },
    )
    (step,) = queries.get_incident(store, "1-old").steps
    assert step.due_at == clock.now() + timedelta(minutes=5) and step.text_in("zh-CN") == "Do A"
    _assert_rebuild_equal(store)


def test_the_incident_takes_the_plan_title_in_the_chosen_language(workspace):
    store = workspace.store
    incident = actions.open_incident(store, PLANS["power-outage"], language="zh-CN")
    found = queries.get_incident(store, incident)
    assert found.title == "断电"
    assert found.steps[0].text_in("zh-CN") == "立即电话通知运维人员,告知具体断电情况"
    assert found.steps[0].text_in("en") == "Phone maintenance at once: say exactly what is out"
    assert found.steps[0].note_in("zh-CN").startswith("预案004第35行")
