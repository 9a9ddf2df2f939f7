"""The pure handover summary: open incidents, timed steps, incomplete reports, call-backs."""

from __future__ import annotations

import json
from collections import namedtuple
from datetime import UTC, datetime, timedelta

from command_console.core.handover import (
    awaiting_callbacks,
    build_summary,
    summary_lines,
    summary_to_dict,
)
from command_console.core.incidents import Incident, PlanStepRun, Severity, Status, StepState
from command_console.core.report import Report, ReportStatus

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
Call = namedtuple("Call", "incident_id contact_id name phone role outcome at")


def call(contact: str, outcome: str, minutes_ago: int, incident: str = "1-a") -> Call:
    return Call(
        incident,
        contact,
        contact.title(),
        "+86 1",
        "",
        outcome,
        NOW - timedelta(minutes=minutes_ago),
    )


def step(incident: str, n: int, due_min: int | None, state=StepState.PENDING) -> PlanStepRun:
    due = None if due_min is None else NOW + timedelta(minutes=due_min)
    return PlanStepRun(incident, f"s{n}", n, f"step {n}", None, None, False, "", due, state)


def incident(
    iid: str, severity=Severity.GENERAL, status=Status.ACTIVE, minutes_ago=30, steps=()
) -> Incident:
    started = NOW - timedelta(minutes=minutes_ago)
    return Incident(
        iid,
        f"title {iid}",
        "p",
        "Plan",
        "c",
        severity,
        status,
        started,
        started,
        "lead",
        "a",
        None if status != Status.RESOLVED else NOW,
        tuple(steps),
    )


def test_unanswered_call_waits_for_a_call_back_until_a_later_reached_call():
    assert awaiting_callbacks([call("li", "no answer", 20), call("li", "reached", 10)]) == []
    pending = awaiting_callbacks(
        [call("li", "reached", 30), call("li", "no answer", 20), call("li", "left message", 10)]
    )
    assert [(c.contact_id, c.outcome, c.attempts) for c in pending] == [("li", "left message", 2)]


def test_call_backs_are_per_contact_and_per_incident():
    calls = [
        call("li", "no answer", 20, "1-a"),
        call("li", "reached", 10, "2-a"),
        call("wu", "no answer", 5, "1-a"),
    ]
    assert [(c.incident_id, c.contact_id) for c in awaiting_callbacks(calls)] == [
        ("1-a", "li"),
        ("1-a", "wu"),
    ]


def test_reached_at_the_same_instant_closes_the_loop_whatever_the_input_order():
    same = [call("li", "reached", 10), call("li", "no answer", 10)]
    assert awaiting_callbacks(same) == [] and awaiting_callbacks(list(reversed(same))) == []


def test_summary_lists_open_incidents_by_severity_and_timed_steps_overdue_first():
    a = incident(
        "1-a", Severity.GENERAL, steps=[step("1-a", 0, 5), step("1-a", 1, None), step("1-a", 2, -3)]
    )
    b = incident(
        "2-a", Severity.CRITICAL, minutes_ago=5, steps=[step("2-a", 0, -1, StepState.DONE)]
    )
    c = incident("3-a", Severity.MAJOR, Status.RESOLVED, steps=[step("3-a", 0, -30)])
    summary = build_summary([a, b, c], {}, [], NOW, lead="Wang")
    assert [i.id for i in summary.open_incidents] == ["2-a", "1-a"] and summary.open_incidents[
        1
    ].age == "30m"
    assert [(s.incident_id, s.step_id, s.overdue) for s in summary.steps] == [
        ("1-a", "s2", True),
        ("1-a", "s0", False),
    ]
    assert summary.untimed_steps == 1 and len(summary.overdue) == 1


def test_reports_not_complete_name_their_missing_fields_resolved_incidents_included():
    a, c = incident("1-a"), incident("3-a", status=Status.RESOLVED)
    done = Report("2-a", {}, ReportStatus.COMPLETE)
    partial = Report(
        "1-a",
        {
            "site": "Hall A",
            "occurred_at": "2026-11-22 09:00",
            "type": "fire",
            "impact": "short",
            "measures": "Evacuated the hall",
            "trend": "Stable, watching",
            "other": "none",
        },
    )
    summary = build_summary([a, c, incident("2-a")], {"1-a": partial, "2-a": done}, [], NOW)
    assert {r.incident_id: r.missing for r in summary.reports} == {
        "1-a": ["impact"],
        "3-a": ["site", "occurred_at", "type", "impact", "measures", "trend", "other"],
    }
    assert summary.reports[0].labels == ["Impact and severity"]


def test_call_backs_of_incidents_outside_the_summary_are_left_out():
    summary = build_summary(
        [incident("1-a")], {}, [call("li", "no answer", 5, "9-z"), call("wu", "no answer", 5)], NOW
    )
    assert [c.contact_id for c in summary.callbacks] == ["wu"]


def test_summary_record_stays_within_its_byte_budget_and_counts_what_it_cut():
    many = [
        incident(f"{n}-a", steps=[step(f"{n}-a", k, k - 50) for k in range(20)]) for n in range(60)
    ]
    summary = build_summary(many, {}, [], NOW)
    full = summary_to_dict(summary, budget=10**7)
    small = summary_to_dict(summary, budget=8000)
    assert full["omitted"] == {} and len(full["steps"]) == 1200
    assert len(json.dumps(small, ensure_ascii=False).encode()) <= 8000
    assert (
        small["omitted"]["steps"] + len(small["steps"]) == 1200
        and small["counts"]["timed_steps"] == 1200
    )
    default = summary_to_dict(summary)  # the op budget: well under the 64 KiB other consoles accept
    assert len(json.dumps(default, ensure_ascii=False).encode()) <= 48 * 1024 < 64 * 1024


def test_summary_lines_show_overdue_and_empty_sections(tmp_path):
    from zoneinfo import ZoneInfo

    quiet = summary_lines(build_summary([], {}, [], NOW), ZoneInfo("UTC"))
    assert quiet.count("  none") == 4
    busy = summary_lines(
        build_summary([incident("1-a", steps=[step("1-a", 0, -2)])], {}, [], NOW), ZoneInfo("UTC")
    )
    assert any("OVERDUE +02:00" in line and "due 11-22 09:58" in line for line in busy)
