"""The plan matcher the CLI uses: by id, English or Chinese title, fuzzy suggestions."""

from __future__ import annotations

import pytest

from command_console.core.errors import NotFound
from command_console.core.matching import rank_named, resolve_named

PLANS = {
    "power-outage": ("Power outage", "断电"),
    "fire": ("Alarm / fire", "警报及火灾"),
    "system-failure": ("Application / network / system failure", "应用程序/网络/系统故障"),
    "air-conditioning-failure": ("Air-conditioning failure", "空调故障"),
}


@pytest.mark.parametrize(
    "query, plan",
    [
        ("power", "power-outage"),
        ("断电", "power-outage"),
        ("Power Outage", "power-outage"),
        ("火灾", "fire"),
        ("空调", "air-conditioning-failure"),
        ("fire", "fire"),
    ],
)
def test_a_plan_is_found_by_id_or_title(query, plan):
    assert resolve_named(query, PLANS, "plan") == plan


def test_several_titles_are_ambiguous_and_a_typo_is_only_suggested():
    with pytest.raises(NotFound, match="ambiguous"):
        resolve_named("故障", PLANS, "plan")
    with pytest.raises(NotFound, match="did you mean power-outage"):
        resolve_named("断点", PLANS, "plan")
    with pytest.raises(NotFound, match="did you mean power-outage"):
        resolve_named("powr", PLANS, "plan")


def test_ranking_puts_the_closest_first():
    assert rank_named("pwr", PLANS)[0] == "power-outage"
    assert rank_named("", PLANS) == []
