"""Every deadline in the shipped plans, against the seed line it comes from (issue #13).

A timed step that is not in this table, or a table row whose plan step is missing or
differs, fails: a deadline changes only together with its citation. Where the seeds are
on this machine (../shared/seeds), each quoted phrase is checked against the cited line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from command_console.data.plan_files import load_library
from command_console.paths import shipped_plans_dir

PLANS = load_library([shipped_plans_dir()]).plans
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# (plan, step): (seconds, counted after step, seed, line, words of that line)
DEADLINES = {
    ("seat-equipment-failure", "agent-logged-in"): (
        300,
        "move-to-spare-seat",
        "004",
        17,
        "在换至别的座席后,应在五分钟内重新登录系统",
    ),
    ("system-failure", "escalate-60m"): (3600, None, "004", 29, "如故障在60分钟内仍未解决"),
    ("power-outage", "phone-superior"): (300, None, "004", 37, "如断电情况持续5分钟以上或更长"),
    ("fire-alarm", "posts-on-site"): (
        60,
        "real-fire-confirmed",
        "004",
        167,
        "其它岗位1分钟内必须赶到火灾现场",
    ),
    ("fire-alarm", "off-duty-assembled"): (
        120,
        "real-fire-confirmed",
        "004",
        167,
        "不当班人员2分钟赶到指令地点",
    ),
    ("inbound-call-surge", "level-2-outbound"): (
        1800,
        "level-1-all-inbound",
        "004",
        65,
        "在一级支持提供后,情况仍未得到有效控制并持续30分钟或更长时",
    ),
    ("bank-system-fault-l12", "restore-or-notify-manager"): (
        1800,
        None,
        "000",
        605,
        "若系统出现一、二级故障,各相关单位应在30分钟内恢复系统运行",
    ),
    ("bank-system-fault-l12", "report-department-head"): (
        3600,
        None,
        "000",
        607,
        "如在1小时内仍未恢复的",
    ),
    ("bank-system-fault-l34", "restore-or-notify-manager"): (
        900,
        None,
        "000",
        609,
        "若系统出现三、四级故障,应在15分钟内恢复系统运行",
    ),
    ("bank-system-fault-l34", "report-department-head"): (
        1800,
        None,
        "000",
        611,
        "如在30分钟内仍未恢复的",
    ),
    ("any-emergency", "start-response"): (
        1800,
        None,
        "003",
        191,
        "应急管理人员应在紧急事件发生后30分钟内启动应急响应",
    ),
    ("any-emergency", "notify-office-head"): (1800, None, "003", 397, "应在30分钟内通知办公室主管"),
    ("major-complaint", "notify-office-head"): (
        1800,
        None,
        "003",
        397,
        "应在30分钟内通知办公室主管",
    ),
}


def test_every_timed_step_is_in_the_table_and_nothing_else():
    timed = {
        (plan.id, step.id) for plan in PLANS.values() for step in plan.steps if step.deadline_s
    }
    assert timed == set(DEADLINES)


@pytest.mark.parametrize("key", sorted(DEADLINES), ids="/".join)
def test_deadline_matches_its_seed_line(key):
    seconds, after, seed, line, words = DEADLINES[key]
    step = PLANS[key[0]].step(key[1])
    assert (step.deadline_s, step.after) == (seconds, after)
    assert f"Seed {seed} line {line}" in step.note and f"预案{seed}第{line}行" in step.note_zh
    assert words in step.note_zh, "the Chinese note quotes the seed line"
    if SEEDS.is_dir():
        (seed_file,) = SEEDS.glob(f"{seed}_*.txt")
        assert words in seed_file.read_text(encoding="utf-8").splitlines()[line - 1]


def test_no_deadline_from_outside_a_call_centre_duty():
    """Seed 003's 24 h on-site fix is a textile maker's after-sales promise (issue #13)."""
    assert all(
        step.deadline_s < 86400 for plan in PLANS.values() for step in plan.steps if step.deadline_s
    )
    assert not any("24" in step.text for plan in PLANS.values() for step in plan.steps)


def test_fire_timers_count_from_the_confirmation_not_the_incident_start():
    fire = PLANS["fire-alarm"]
    assert all(step.after == "real-fire-confirmed" for step in fire.steps if step.deadline_s)
    assert fire.steps[0].at_once and fire.steps[0].deadline_s is None
