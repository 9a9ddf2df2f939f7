"""Property: with `after` and `from_severity` steps, any order and duplication of two
consoles' operations folds to the same tables (done / reopen of a trigger step racing a
severity raise on the other console)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from command_console.core.clock import FakeClock
from command_console.core.incidents import Severity, StepState
from command_console.data import actions
from command_console.data.plan_files import load_library
from command_console.data.store import Store
from command_console.paths import shipped_plans_dir

PLANS = load_library([shipped_plans_dir()]).plans
MOVES = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.sampled_from(
            [
                "open-fire",
                "open-any",
                "confirm",
                "reopen",
                "skip",
                "raise",
                "lower",
                "start",
                "sync",
            ]
        ),
        st.integers(0, 9),
    ),
    min_size=1,
    max_size=25,
)


def _play(stores: list[Store], clock: FakeClock, script) -> None:
    for who, move, n in script:
        store = stores[who]
        clock.advance(seconds=5 + n)
        ids = sorted(store.incident_ids())
        if move.startswith("open") or not ids:
            actions.open_incident(
                store, PLANS["any-emergency" if move == "open-any" else "fire-alarm"]
            )
            continue
        incident = ids[n % len(ids)]
        if move in ("confirm", "reopen", "skip"):
            state = {
                "confirm": StepState.DONE,
                "reopen": StepState.PENDING,
                "skip": StepState.SKIPPED,
            }[move]
            for trigger in ("real-fire-confirmed", "report-at-once"):
                try:
                    actions.set_step(store, incident, trigger, state, "why")
                except Exception as exc:  # the trigger is not in this incident's plan
                    assert type(exc).__name__ in ("UserError", "NotFound"), exc
        elif move in ("raise", "lower"):
            actions.set_severity(
                store, incident, list(Severity)[(n % 3) + 1 if move == "raise" else 0]
            )
        elif move == "start":
            actions.set_started_at(store, incident, clock.now())
        else:
            stores[1 - who].merge(store.all_ops())


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=MOVES, order_seed=st.randoms(use_true_random=False))
def test_timed_steps_fold_the_same_in_any_order(tmp_path_factory, script, order_seed):
    folder = tmp_path_factory.mktemp("merge")
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
    for store in stores:
        store.merge(everything)
    expected = stores[0].table_digest()
    assert stores[1].table_digest() == expected and target.table_digest() == expected
    target.rebuild()
    assert target.table_digest() == expected
    for store in (*stores, target):
        store.close()
