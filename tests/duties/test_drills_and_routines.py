"""Drills are marked and counted apart; shift routines ring on time and are logged (issue #15)."""

from __future__ import annotations

import json
from datetime import timedelta

from command_console.data import queries_duties
from command_console.workspace import Workspace
from tests.conftest import T0


def test_a_drill_is_in_the_drill_list_and_in_no_real_incident_count(cli, clock):
    real = cli("incident", "open", "power").output.strip()
    drill = cli("incident", "open", "fire", "--drill").output.strip()
    drills = cli.json("drills")
    assert [d["id"] for d in drills["drills"]] == [drill] and drills["last_per_plan"] == {
        "fire-alarm": drill
    }
    assert (
        "fire-alarm" not in drills["no_drill_in_past_year"]
        and "power-outage" in drills["no_drill_in_past_year"]
    )
    listed = cli.json("incident", "list")
    assert [(i["id"], i["drill"]) for i in listed] == [(real, False), (drill, True)]
    text = cli("incident", "list").output
    assert "Drills (1), not real incidents" in text and f"[DRILL] {drill}" in text
    export = cli("export", "--out", "-").output
    assert "**Incidents:** 1 (1 open)" in export and "1 drill" in export
    assert f"{drill} — Alarm / fire — DRILL (not a real incident)" in export
    summary = cli.json("handover", "--show")
    assert summary["counts"]["open_incidents"] == 1 and summary["counts"]["drills"] == 1
    assert [i["id"] for i in summary["open_incidents"]] == [real]
    csv_text = cli("export", "--format", "csv", "--out", "-").output
    assert "[DRILL] Alarm / fire" in csv_text
    # a drill a year ago no longer counts for "at least once a year"
    clock.advance(days=366)
    assert "fire-alarm" in cli.json("drills")["no_drill_in_past_year"]


def test_drill_review_needs_participants_and_evaluation_before_archive(cli):
    drill = cli("incident", "open", "fire", "--drill").output.strip()
    cli("incident", "resolve", drill)
    for field, value in (
        ("site", "Hall A"),
        ("occurred_at", "2026-11-22 08:00"),
        ("type", "fire drill"),
        ("impact", "none, it was a drill"),
        ("measures", "evacuated the floor in 4 min"),
        ("trend", "no further measures needed"),
        ("other", "none"),
    ):
        cli("report", "set", drill, field, value)
    cli("report", "complete", drill)
    for field, value in (
        ("cause", "annual drill"),
        ("went_well", "evacuation"),
        ("went_badly", "PA too quiet"),
        ("submitted_to", "安全监察部经理"),
    ):
        cli("review", "set", drill, field, value)
    refused = cli("incident", "archive", drill, ok=False)
    assert (
        refused.exit_code == 2
        and "participants" in refused.output
        and "evaluation" in refused.output
    )
    cli("review", "set", drill, "participants", "Wang, Li, 12 agents")
    cli("review", "set", drill, "evaluation", "good; fix the PA")
    cli("incident", "archive", drill)
    assert cli.json("incident", "list", "--all") == []
    assert [i["id"] for i in cli.json("incident", "list", "--archived")] == [drill]
    assert "archived" in cli("export", "--out", "-").output  # still in the export of its period


def test_a_30_minute_routine_rings_on_time_under_the_injected_clock_and_is_logged_when_done(
    cli, clock
):
    def patrol():
        return next(r for r in cli.json("routines", "list") if r["id"] == "floor-patrol")

    assert patrol()["due_at"] == str(T0 + timedelta(minutes=30)) and patrol()["overdue"] is False
    clock.advance(minutes=29, seconds=59)
    assert patrol()["overdue"] is False
    clock.advance(seconds=1)
    assert patrol()["overdue"] is True
    cli("routines", "done", "floor-patrol", "--note", "all quiet")
    assert patrol()["overdue"] is False and patrol()["due_at"] == str(T0 + timedelta(hours=1))
    workspace = Workspace.open(cli.data, clock)
    try:
        log = queries_duties.routine_log(workspace.store)
        assert [(r.routine, r.note, r.at) for r in log] == [
            ("floor-patrol", "all quiet", T0 + timedelta(minutes=30))
        ]
    finally:
        workspace.close()
    shift_log = cli("export", "--out", "-").output
    assert "Routine done: Patrol the floor (fire, theft) every half hour — all quiet" in shift_log
    assert "floor-patrol" in " ".join(
        json.dumps(cli.json("handover", "--show")["duties"]["routines"]).split()
    )


def test_daily_summary_is_due_at_17_local_and_marked_sent_for_the_day(cli, clock):
    cli(
        "routines", "list"
    )  # first use: the data dir, and a shift started at T0 by the test's clock
    cli("config", "set", "time_zone", "Asia/Shanghai")  # T0 is 16:00 in Shanghai

    def summary():
        return next(r for r in cli.json("routines", "list") if r["id"] == "daily-summary")

    assert summary()["due_at"] == str(T0 + timedelta(hours=1)) and summary()["overdue"] is False
    clock.advance(hours=1)
    assert summary()["overdue"] is True
    produced = cli("routines", "summary", "--out", "-").output
    assert produced.startswith("# Shift report")
    cli("routines", "done", "daily-summary", "--note", "sent to 部门领导 by message")
    assert summary()["overdue"] is False and summary()["due_at"] == str(
        T0 + timedelta(days=1, hours=1)
    )
