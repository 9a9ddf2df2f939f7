from pathlib import Path

import pytest

from command_console.core.incidents import Severity
from command_console.core.plans import format_duration, parse_duration, parse_plan
from command_console.data.plan_files import load_library
from command_console.paths import shipped_plans_dir

GOOD = """id = "demo"
title = "Demo"
category = "system"
severity = "serious"

[[steps]]
id = "first"
text = "Do it"
deadline = "5m"
contact_role = "it"
"""


@pytest.mark.parametrize(
    "text, seconds", [("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("24h", 86400)]
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize("bad", ["", "5", "5 min", "m5", "-5m", "1.5h", "5m1h"])
def test_parse_duration_rejects(bad):
    with pytest.raises(ValueError, match="bad duration"):
        parse_duration(bad)


def test_good_plan_parses():
    plan, problems = parse_plan(GOOD, "plans/demo.toml")
    assert problems == []
    assert plan.steps[0].deadline_s == 300 and plan.steps[0].contact_role == "it"


def test_every_problem_is_reported_with_position_and_no_plan():
    source = (
        GOOD.replace('severity = "serious"', 'severity = "huge"\ncolour = "red"')
        + """
[[steps]]
id = "first"
text = "Again"
deadline = "soon"
contact_role = "wizard"
"""
    )
    plan, problems = parse_plan(source, "plans/demo.toml")
    assert plan is None
    messages = [str(p) for p in problems]
    assert "plans/demo.toml:5:1: unknown key 'colour'" in messages[0]
    assert any(m.startswith("plans/demo.toml:4:1: unknown severity 'huge'") for m in messages)
    assert any(
        m.startswith("plans/demo.toml:14:1: step 2: duplicate step id 'first'") for m in messages
    )
    assert any(m.startswith("plans/demo.toml:16:1: step 2: bad duration 'soon'") for m in messages)
    assert any(
        m.startswith("plans/demo.toml:17:1: step 2: unknown contact role 'wizard'")
        for m in messages
    )


def test_missing_fields_and_syntax_errors():
    plan, problems = parse_plan('id = "x"\n', "x.toml")
    text = " | ".join(map(str, problems))
    assert (
        plan is None and "missing required key 'title'" in text and "at least one [[steps]]" in text
    )
    plan, problems = parse_plan('id = "x"\ntitle = \n', "x.toml")
    assert plan is None and str(problems[0]).startswith("x.toml:2:")
    assert "TOML syntax" in str(problems[0])


def test_shipped_plans_are_all_valid():
    library = load_library([shipped_plans_dir()])
    assert (
        library.problems == [] and len(library.plans) >= 25
    )  # deadlines: tests/plans/test_plan_deadlines.py


def test_new_step_keys_parse():
    source = (
        GOOD
        + """text_zh = "做"
note = "n"
note_zh = "注"

[[steps]]
id = "second"
text = "Then"
deadline = "2m"
after = "first"
from_severity = "major"

[[steps]]
id = "now"
text = "Now"
at_once = true
after = "first"
guidance = true
"""
    )
    plan, problems = parse_plan(source, "plans/demo.toml")
    assert problems == []
    first, second, now = plan.steps
    assert (first.text_zh, first.note_zh) == ("做", "注")
    assert (second.after, second.from_severity, second.deadline_s) == ("first", Severity.MAJOR, 120)
    assert now.at_once and now.guidance and now.deadline_s is None
    assert [s.id for s in plan.steps_at(Severity.SERIOUS)] == ["first", "now"]


def test_new_step_keys_are_checked():
    source = (
        GOOD
        + """at_once = true
after = "first"

[[steps]]
id = "second"
text = "Then"
after = "missing"
from_severity = "general"
guidance = "yes"
"""
    )
    plan, problems = parse_plan(source, "plans/demo.toml")
    messages = [str(p) for p in problems]
    assert plan is None
    assert (
        "plans/demo.toml:9:1: step 1: an 'at_once' step has no deadline: it is urgent from the start and never rings"
        in messages
    )
    assert (
        "plans/demo.toml:12:1: step 1: 'after' must name another step of this plan, not 'first'"
        in messages
    )
    assert (
        "plans/demo.toml:17:1: step 2: 'after' must name another step of this plan, not 'missing'"
        in messages
    )
    assert any(
        m.startswith(
            "plans/demo.toml:18:1: step 2: unknown from_severity 'general' (allowed: serious"
        )
        for m in messages
    )
    assert "plans/demo.toml:19:1: step 2: 'guidance' must be true or false" in messages


def test_user_plan_overrides_shipped_and_broken_file_is_not_used(tmp_path: Path):
    (tmp_path / "power-outage.toml").write_text(
        (shipped_plans_dir() / "power-outage.toml")
        .read_text()
        .replace('title = "Power outage"', 'title = "Local power"')
    )
    (tmp_path / "broken.toml").write_text(
        GOOD.replace('"demo"', '"broken"').replace('"5m"', '"5 minutes"')
    )
    library = load_library([shipped_plans_dir(), tmp_path])
    assert library.plans["power-outage"].title == "Local power"
    assert "broken" not in library.plans
    assert len(library.problems) == 1 and "broken.toml" in library.problems[0].path


def test_plans_over_the_op_schema_limits_are_refused_and_at_the_limits_open(workspace):
    """A plan that passes `plans check` can always be opened (the incident.open schema accepts it)."""
    from command_console.data import actions

    at_limit = (
        GOOD.replace('title = "Demo"', 'title = "' + "T" * 200 + '"')
        .replace('text = "Do it"', 'text = "' + "x" * 1000 + '"')
        .replace('"5m"', '"720h"')
    )
    plan, problems = parse_plan(at_limit, "plans/demo.toml")
    assert problems == []
    assert actions.open_incident(workspace.store, plan)
    over = (
        at_limit.replace("T" * 200, "T" * 201)
        .replace("x" * 1000, "x" * 1001)
        .replace('"720h"', '"721h"')
    )
    plan, problems = parse_plan(over, "plans/demo.toml")
    assert plan is None and [str(p) for p in problems] == [
        "plans/demo.toml:2:1: 'title' is longer than 200 characters",
        "plans/demo.toml:8:1: step 1: 'text' is longer than 1000 characters",
        "plans/demo.toml:9:1: step 1: a deadline may be at most 720h",
    ]


def test_at_once_steps_are_listed_first():
    source = (
        GOOD
        + """
[[steps]]
id = "urgent"
text = "Urgent"
at_once = true
"""
    )
    plan, problems = parse_plan(source, "plans/demo.toml")
    assert plan is None
    assert [str(p) for p in problems] == [
        "plans/demo.toml:15:1: step 2: an 'at_once' step is listed after steps that are not: list it first"
    ]
