"""Property: any order and any duplication of the same operations folds to the same tables."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from command_console.core.clock import FakeClock
from command_console.core.incidents import CallOutcome, Severity, Status, StepState
from command_console.data import actions, queries
from command_console.data.plan_files import load_library
from command_console.data.store import Store
from command_console.paths import shipped_plans_dir

PLANS = load_library([shipped_plans_dir()]).plans
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)
ACTIONS = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.sampled_from(
            [
                "open",
                "log",
                "done",
                "skip",
                "reopen",
                "severity",
                "status",
                "report",
                "call",
                "sync",
            ]
        ),
        TEXT,
    ),
    min_size=1,
    max_size=25,
)


def _play(stores: list[Store], clock: FakeClock, script) -> None:
    for who, action, text in script:
        store = stores[who]
        clock.advance(seconds=7)
        ids = store.incident_ids()
        if action == "open" or not ids:
            actions.open_incident(store, PLANS["power-outage"], title=text if text.strip() else "")
            continue
        incident = sorted(ids)[len(text) % len(ids)]
        try:
            if action == "log":
                actions.log(store, incident, text)
            elif action in ("done", "skip", "reopen"):
                state = {
                    "done": StepState.DONE,
                    "skip": StepState.SKIPPED,
                    "reopen": StepState.PENDING,
                }[action]
                actions.set_step(store, incident, "phone-superior", state, "reason")
            elif action == "severity":
                actions.set_severity(store, incident, list(Severity)[len(text) % 4])
            elif action == "status":
                actions.set_status(store, incident, list(Status)[len(text) % 3])
            elif action == "report":
                actions.set_report_field(store, incident, "impact", text)
            elif action == "call":
                contact = queries.list_contacts(store)[0] if queries.list_contacts(store) else None
                if contact:
                    actions.log_call(store, incident, contact, "+86 1", CallOutcome.REACHED)
            else:
                stores[1 - who].merge(store.all_ops())
        except Exception as exc:  # only user errors (empty text after cleaning) are expected
            assert type(exc).__name__ == "UserError", exc


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=ACTIONS, order_seed=st.randoms(use_true_random=False))
def test_fold_is_independent_of_order_and_duplication(tmp_path_factory, script, order_seed):
    folder = tmp_path_factory.mktemp("fold")
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
    for start in range(0, len(shuffled), 5):
        target.merge(shuffled[start : start + 5])
    for store in stores:
        store.merge(everything)
    expected = stores[0].table_digest()
    assert stores[1].table_digest() == expected
    assert target.table_digest() == expected
    target.rebuild()
    assert target.table_digest() == expected
    for store in (*stores, target):
        store.close()
