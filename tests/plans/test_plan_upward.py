"""A plan's own upward-reporting duties, [[upward]] (issue #15): parsed and checked like
the rest of the plan (one line per problem with file, line and field), each shipped entry
against the seed line it comes from, and turned into upward-report duties when an
incident opens with the plan (added to the site's rule; the stricter terms win)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from command_console.core.duties import upward_ringing
from command_console.core.incidents import Severity
from command_console.core.plans import parse_plan
from command_console.data import actions, queries_duties
from command_console.data.plan_files import load_library
from command_console.paths import shipped_plans_dir

PLANS = load_library([shipped_plans_dir()]).plans
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# (plan, role): (seconds, seed, line, words of that line)
UPWARD = {
    ("air-conditioning-failure", "superior"): (300, "000", 699, "值班组组长应立即通知联系主管"),
    ("system-failure", "department-head"): (900, "000", 906, "及时向部门负责人汇报"),
    ("robbery", "centre-manager"): (300, "000", 915, "要迅速向110 报警并报告客服中心经理"),
    ("natural-disaster", "superior"): (900, "000", 341, "及时向上级汇报情况"),
    ("fire-alarm", "higher-authority"): (
        900,
        "000",
        225,
        "信息联络组及时向公司总部及相关部门报告火灾情况",
    ),
    ("bank-system-fault-l12", "centre-manager"): (
        300,
        "000",
        599,
        "在处理问题的同时向部门领导及中心经理汇报",
    ),
    ("bank-system-fault-l12", "department-head"): (
        300,
        "000",
        599,
        "在处理问题的同时向部门领导及中心经理汇报",
    ),
    ("bank-system-fault-l34", "centre-manager"): (
        300,
        "000",
        599,
        "在处理问题的同时向部门领导及中心经理汇报",
    ),
    ("bank-system-fault-l34", "department-head"): (
        300,
        "000",
        599,
        "在处理问题的同时向部门领导及中心经理汇报",
    ),
}

PLAN = """id = "up"
title = "Up"
category = "general"
severity = "general"

[[steps]]
id = "a"
text = "Do a"
"""


def test_every_shipped_upward_duty_is_in_the_table_and_nothing_else():
    declared = {(plan.id, entry.role) for plan in PLANS.values() for entry in plan.upward}
    assert declared == set(UPWARD)


@pytest.mark.parametrize("key", sorted(UPWARD), ids="/".join)
def test_upward_duty_matches_its_seed_line(key):
    seconds, seed, line, words = UPWARD[key]
    entry = next(e for e in PLANS[key[0]].upward if e.role == key[1])
    assert entry.deadline_s == seconds
    assert f"Seed {seed} line {line}" in entry.note and f"预案{seed}第{line}行" in entry.note_zh
    assert words in entry.note_zh, "the Chinese note quotes the seed line"
    if SEEDS.is_dir():
        (seed_file,) = SEEDS.glob(f"{seed}_*.txt")
        assert words in seed_file.read_text(encoding="utf-8").splitlines()[line - 1]


def test_upward_tables_parse_after_or_before_the_steps():
    source = PLAN + '\n[[upward]]\nrole = "superior"\nwithin = "5m"\nfrom_severity = "serious"\n'
    plan, problems = parse_plan(source, "up.toml")
    assert problems == [] and plan is not None
    [entry] = plan.upward
    assert (entry.role, entry.deadline_s, entry.from_severity) == (
        "superior",
        300,
        Severity.SERIOUS,
    )
    before = source.replace("[[steps]]", '[[upward]]\nrole = "pr"\nwithin = "1h"\n\n[[steps]]', 1)
    plan, problems = parse_plan(before, "up.toml")
    assert problems == [] and [e.role for e in plan.upward] == ["pr", "superior"]
    assert [s.id for s in plan.steps] == ["a"]


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ('role = "boss"\nwithin = "5m"', "11:1: upward 1: unknown contact role 'boss'"),
        ('role = "pr"\nwithin = "soon"', "12:1: upward 1: bad duration 'soon'"),
        ('role = "pr"\nwithin = "0s"', "12:1: upward 1: 'within' must be between 1s"),
        ('role = "pr"', "10:1: upward 1: missing required key 'within'"),
        (
            'role = "pr"\nwithin = "5m"\nfrom_severity = "huge"',
            "13:1: upward 1: unknown from_severity 'huge'",
        ),
        ('role = "pr"\nwithin = "5m"\ncolour = "red"', "13:1: upward 1: unknown key 'colour'"),
        (
            'role = "pr"\nwithin = "5m"\n\n[[upward]]\nrole = "pr"\nwithin = "1m"',
            "15:1: upward 2: role 'pr' appears twice",
        ),
    ],
)
def test_a_bad_upward_table_is_one_line_with_file_line_and_field(table, where):
    plan, problems = parse_plan(PLAN + "\n[[upward]]\n" + table + "\n", "plans/up.toml")
    assert plan is None and len(problems) == 1
    text = str(problems[0])
    assert "\n" not in text and text.startswith("plans/up.toml:" + where), text


def test_plans_check_names_the_file_line_and_field(tmp_path):
    from typer.testing import CliRunner

    from command_console.cli import app

    bad = tmp_path / "up.toml"
    bad.write_text(PLAN + '\n[[upward]]\nrole = "superior"\nwithin = "fast"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--lang", "en", "plans", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:12:1: upward 1: bad duration 'fast'" in result.output


def test_opening_an_incident_turns_the_plans_duties_into_upward_reports(workspace, clock):
    store = workspace.store
    incident = actions.open_incident(store, PLANS["air-conditioning-failure"])  # 一般 by default
    dues = {d.role: d for d in queries_duties.upward_dues(store, incident)}
    # the site's rule (seed 000: the emergency leading group, 15 min) and the plan's supervisor, 5 min
    assert set(dues) == {"emergency-team", "superior"}
    assert dues["superior"].due_at == clock.now() + timedelta(minutes=5)
    clock.advance(minutes=5)
    ringing = upward_ringing(queries_duties.upward_dues(store, incident), clock.now())
    assert [d.role for d in ringing] == ["superior"]
    live = store.table_digest()
    store.rebuild()
    assert store.table_digest() == live


def test_no_upward_duty_rings_twice_with_a_timed_step_of_the_same_role():
    """Where a plan's own timed step already rings for telling a role (the power outage's
    5-minute superior step, the office head's 30 minutes), no [[upward]] entry repeats it."""
    for plan in PLANS.values():
        timed = {(s.contact_role, s.deadline_s) for s in plan.steps if s.deadline_s}
        assert not [e for e in plan.upward if (e.role, e.deadline_s) in timed], plan.id


def test_a_role_in_both_the_site_rule_and_the_plan_takes_the_stricter_terms(workspace, clock):
    store = workspace.store
    incident = actions.open_incident(
        store, PLANS["bank-system-fault-l34"], severity=Severity.GENERAL
    )
    dues = {d.role: d for d in queries_duties.upward_dues(store, incident)}
    # the site rule names both roles from 重大 up within 30 min; the plan says while handling, 5 min
    assert dues["centre-manager"].due_at == clock.now() + timedelta(minutes=5)
    assert dues["department-head"].due_at == clock.now() + timedelta(minutes=5)
    plain = actions.open_incident(store, PLANS["seat-equipment-failure"], severity=Severity.GENERAL)
    assert {d.role for d in queries_duties.upward_dues(store, plain)} == {"emergency-team"}
