"""Shipped plans in two languages, faithful to the seeds; roles and roster (issue #13 section 2)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from command_console.core.contacts import EXTERNAL_ROLES, ROLE_LABELS_ZH, ROLES, role_label
from command_console.core.incidents import Severity
from command_console.core.severity_guidance import BASIS, GUIDANCE, severity_guidance
from command_console.data.contacts_io import read_roster
from command_console.data.plan_files import load_library
from command_console.demo import __file__ as demo_init
from command_console.paths import shipped_plans_dir

LIBRARY = load_library([shipped_plans_dir()])
PLANS = LIBRARY.plans
CITES_SEED = re.compile(r"Seed 00[0-4] lines? \d+")


def test_every_shipped_plan_is_valid():
    assert LIBRARY.problems == []
    assert len(PLANS) >= 25


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_plan_text_exists_in_both_languages(plan_id):
    plan = PLANS[plan_id]
    assert plan.title_zh and plan.summary and plan.summary_zh and plan.source.startswith("seed")
    for step in plan.steps:
        assert step.text_zh and step.note and step.note_zh, step.id
        assert re.search(r"[\u4e00-\u9fff]", step.text_zh), step.id


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_each_step_cites_a_seed_line_or_is_marked_guidance(plan_id):
    for step in PLANS[plan_id].steps:
        if step.guidance:
            assert step.note.startswith("Guidance") and step.note_zh.startswith("参考建议"), step.id
        else:
            assert CITES_SEED.search(step.note) and re.search(r"预案00[0-4]第", step.note_zh), (
                step.id
            )
            cited = {m.group(1) for m in re.finditer(r"Seed (00\d)", step.note)}
            assert cited <= set(re.findall(r"seed (00\d)", PLANS[plan_id].source)), step.id


def test_language_picks_the_text():
    plan = PLANS["power-outage"]
    assert (plan.title_in("zh-CN"), plan.title_in("en")) == ("断电", "Power outage")
    assert plan.steps[0].text_in("zh-CN") != plan.steps[0].text_in("en")
    assert plan.summary_in("zh_CN.UTF-8") == plan.summary_zh


def test_drift_fixed_roles():
    """运维 and 运营 are two roles; quality-office is gone; the venue contacts are kept apart."""
    assert "quality-office" not in ROLES and "venue" not in ROLES
    assert ROLE_LABELS_ZH["maintenance"] == "运维人员" and ROLE_LABELS_ZH["operations"] == "运营"
    assert ROLE_LABELS_ZH["office-head"] == "办公室主管"
    assert PLANS["inbound-call-surge"].step("customer-at-cinema").contact_role == "operations"
    assert PLANS["power-outage"].step("phone-maintenance").contact_role == "maintenance"
    assert PLANS["air-conditioning-failure"].step("call-maintenance").contact_role == "maintenance"
    surge = {s.contact_role for s in PLANS["inbound-call-surge"].steps}
    assert {"theatre", "sports-venue", "it"} <= surge
    offices = [
        (p.id, s.id) for p in PLANS.values() for s in p.steps if s.contact_role == "office-head"
    ]
    assert offices == [
        ("any-emergency", "notify-office-head"),
        ("major-complaint", "notify-office-head"),
    ]


def test_role_labels_in_both_languages():
    assert set(ROLE_LABELS_ZH) == set(ROLES)
    assert role_label("maintenance", "zh-CN") == "运维人员"
    assert role_label("maintenance", "en") == "maintenance (power, air conditioning)"
    assert role_label("retired-role", "zh-CN") == "retired-role"


def test_the_demo_roster_has_a_first_and_second_contact_for_every_role_a_plan_names():
    roster = read_roster(Path(demo_init).parent / "roster.toml")
    named = {s.contact_role for p in PLANS.values() for s in p.steps if s.contact_role} - set(
        EXTERNAL_ROLES
    )
    for role in sorted(named):
        ranks = sorted(c.roles[role] for c in roster if role in c.roles)
        assert ranks[:2] == [1, 2], role


def test_media_line_is_set_by_superiors():
    media = PLANS["media-enquiry"]
    assert media.step("line-from-superiors").contact_role == "superior"
    assert "上级确定的统一口径" in media.step("use-the-line").note_zh
    assert "seed 000" in media.source and "003" not in media.source


def test_severity_guidance_in_the_seeds_words():
    assert set(GUIDANCE) == set(Severity)
    assert severity_guidance(Severity.SERIOUS, "zh-CN") == [
        "较大事件:客服人员上报管理部门,应急小组启动应急预案,协调各部门处理。",
        "较大应急事件:对较多客户的服务造成明显影响,需要一定时间和资源才能恢复正常。",
    ]
    assert severity_guidance(Severity.CRITICAL, "en")[0].startswith(
        "Critical: the emergency group starts"
    )
    assert "影响范围、严重程度" in BASIS.zh


def test_plan_files_keep_their_keys_in_the_documented_order():
    """Hand-edited files: zh beside en, so a reviewer reads them side by side."""
    for path in sorted(shipped_plans_dir().glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        keys = list(data)
        assert keys.index("title_zh") == keys.index("title") + 1, path.name
        assert keys.index("summary_zh") == keys.index("summary") + 1, path.name


def test_plans_show_marks_the_step_kinds_in_the_chosen_language(tmp_path):
    from typer.testing import CliRunner

    from command_console.cli import app
    from command_console.i18n import set_language

    runner = CliRunner()
    data = str(tmp_path / "data")
    try:
        english = runner.invoke(
            app, ["--data-dir", data, "--lang", "en", "plans", "show", "fire-alarm"]
        )
        assert english.exit_code == 0, english.output
        assert (
            "Other posts at the fire" in english.output
            and "after real-fire-confirmed" in english.output
        )
        assert "at once" in english.output
        chinese = runner.invoke(
            app, ["--data-dir", data, "--lang", "zh-CN", "plans", "show", "fire-alarm"]
        )
        assert "其它岗位赶到火灾现场" in chinese.output and "确认为真实火警" in chinese.output
    finally:
        set_language("en")
