"""Property: a change of plan, a cancel and log-entry corrections from two consoles fold to
the same tables whatever order the ops arrive in, duplicated, and after a rebuild."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from command_console.core.clock import FakeClock
from command_console.core.errors import UserError
from command_console.core.incidents import Severity, StepState
from command_console.data import actions, actions_edit, queries, queries_edit
from command_console.data.plan_files import load_library
from command_console.data.store import Store
from command_console.paths import shipped_plans_dir

PLANS = load_library([shipped_plans_dir()]).plans
CHOICES = ["power-outage", "fire-alarm", "system-failure", "inbound-call-surge"]
SCRIPT = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.sampled_from(
            [
                "open",
                "log",
                "correct",
                "retract",
                "plan",
                "cancel",
                "done",
                "severity",
                "start",
                "resolve",
                "sync",
            ]
        ),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=30,
)


def _act(store: Store, clock: FakeClock, action: str, incident: str, n: int) -> None:
    if action == "log":
        actions.log(store, incident, f"note {n}")
    elif action in ("correct", "retract"):
        notes = queries_edit.log_notes(store, incident)
        if notes:
            entry = notes[n % len(notes)]
            text = "" if action == "retract" else f"fixed {n}"
            actions_edit.amend_entry(
                store, incident, entry.id, text, f"why {n}", retract=action == "retract"
            )
    elif action == "plan":
        actions_edit.change_plan(store, incident, PLANS[CHOICES[n % len(CHOICES)]])
    elif action == "cancel":
        actions_edit.cancel_incident(store, incident, f"duplicate {n}")
    elif action == "done":
        steps = queries.get_incident(store, incident).steps
        if steps:
            actions.set_step(store, incident, steps[n % len(steps)].step_id, StepState.DONE)
    elif action == "severity":
        actions.set_severity(store, incident, list(Severity)[n % 4])
    elif action == "start":
        actions.set_started_at(store, incident, clock.now() - timedelta(minutes=n))
    elif action == "resolve":
        actions.set_status(store, incident, queries.Status.RESOLVED)


def _play(stores: list[Store], clock: FakeClock, script) -> None:
    for who, action, n in script:
        store = stores[who]
        clock.advance(seconds=11)
        ids = sorted(store.incident_ids())
        if action == "open" or not ids:
            actions.open_incident(store, PLANS[CHOICES[n % len(CHOICES)]])
        elif action == "sync":
            stores[1 - who].merge(store.all_ops())
        else:
            with suppress(UserError):  # e.g. the same plan again, an incident already cancelled
                _act(store, clock, action, ids[n % len(ids)], n)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=SCRIPT, order_seed=st.randoms(use_true_random=False))
def test_fixes_fold_the_same_in_any_order(tmp_path_factory, script, order_seed):
    folder = tmp_path_factory.mktemp("fold-edit")
    clock = FakeClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    stores = [
        Store(folder / "a.db", "aaaa", "Ann", clock),
        Store(folder / "b.db", "bbbb", "Bo", clock),
    ]
    _play(stores, clock, script)
    everything = stores[0].all_ops() + stores[1].all_ops()
    shuffled = everything + order_seed.sample(everything, k=len(everything) // 3)
    order_seed.shuffle(shuffled)
    target = Store(folder / "c.db", "cccc", "Cy", clock)
    for start in range(0, len(shuffled), 4):
        target.merge(shuffled[start : start + 4])
    reversed_target = Store(folder / "d.db", "dddd", "Di", clock)
    for op in reversed(everything):
        reversed_target.merge([op])
    for store in stores:
        store.merge(everything)
    expected = stores[0].table_digest()
    assert stores[1].table_digest() == expected
    assert target.table_digest() == expected
    assert reversed_target.table_digest() == expected
    target.rebuild()
    assert target.table_digest() == expected
    for store in (*stores, target, reversed_target):
        store.close()


def test_a_correction_that_arrives_before_its_entry_still_shows(tmp_path):
    """One op at a time, newest first: the correction folds before the entry it corrects
    (and the entry, a plain insert, folds forward without a refold)."""
    clock = FakeClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    a = Store(tmp_path / "a.db", "aaaa", "Ann", clock)
    incident = actions.open_incident(a, PLANS["power-outage"])
    entry = actions.log(a, incident, "fire in hall B")
    clock.advance(seconds=30)
    actions_edit.amend_entry(a, incident, entry.id, "fire in hall A", "wrong hall")
    c = Store(tmp_path / "c.db", "cccc", "Cy", clock)
    ops = a.all_ops()
    c.merge([op for op in ops if op.kind not in ("entry.add", "entry.amend")])
    c.merge([op for op in ops if op.kind == "entry.amend"])
    c.merge([op for op in ops if op.kind == "entry.add"])
    shown = next(e for e in queries.timeline(c, incident) if e.id == entry.id)
    assert shown.text == "fire in hall B"
    assert shown.amendment is not None and shown.amendment.text == "fire in hall A"
    assert c.table_digest() == a.table_digest()
