"""Upward reports (issue #15): who must be told, by when, per severity; recorded with the
report version sent; overdue ones ring; exports say what was reported to whom and when."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from command_console.core.duties import upward_ringing
from command_console.data import queries_duties
from command_console.workspace import Workspace
from tests.cli.conftest import database_state as db_state_of
from tests.conftest import T0


def _ringing_roles(cli, clock, incident_id):
    workspace = Workspace.open(cli.data, clock)
    try:
        return [
            d.role
            for d in upward_ringing(
                queries_duties.upward_dues(workspace.store, incident_id), clock.now()
            )
        ]
    finally:
        workspace.close()


def test_critical_incident_requires_upward_report_in_time_rings_late_stops_when_recorded_and_export_lists_it(
    cli, clock
):
    incident = cli("incident", "open", "power", "--severity", "critical").output.strip()
    required = {r["role"]: r for r in cli.json("report", "upward", incident)["required"]}
    # seed 001: 特别重大 goes to the superior department; seed 000: every incident to the emergency leading group
    assert set(required) == {
        "emergency-team",
        "management",
        "department-head",
        "centre-manager",
        "higher-authority",
    }
    assert required["higher-authority"]["due_at"] == str(T0 + timedelta(minutes=15))
    clock.advance(minutes=14, seconds=59)
    assert _ringing_roles(cli, clock, incident) == []
    clock.advance(seconds=2)
    assert set(_ringing_roles(cli, clock, incident)) == {"emergency-team", "higher-authority"}
    assert cli.json("report", "upward", incident)["required"][-1]["overdue"] is True

    cli("report", "set", incident, "impact", "All seats dark on floor 3, 40 agents idle")
    sent = cli.json("report", "sent", incident, "--to", "上级部门", "--via", "phone")
    assert (sent["role"], sent["via"], sent["version"], sent["version_kind"]) == (
        "higher-authority",
        "phone",
        1,
        "initial",
    )
    assert _ringing_roles(cli, clock, incident) == [
        "emergency-team"
    ]  # recorded: that alarm stops, the other rings on

    export = cli("export", "--out", "-").output
    assert "superior department: by 08:15 — told 上级部门 at 08:15 (LATE by 1 s)" in export
    assert "told 上级部门 (superior department) by phone: initial report v1" in export
    assert "emergency leading group: by 08:15 — OVERDUE by 1 s, not yet reported" in export
    assert "hotline management department: by 08:30 — not yet reported" in export
    data = json.loads(cli("export", "--format", "json", "--out", "-").output)
    upward = data["incidents"][0]["upward_reports"]
    assert upward["sent"][0]["version"] == 1 and upward["sent"][0]["to"] == "上级部门"
    assert upward["versions"][0]["fields"] == {
        "impact": "All seats dark on floor 3, 40 agents idle"
    }


def test_each_sent_version_is_frozen_and_kept(cli, clock):
    incident = cli("incident", "open", "power").output.strip()
    cli("report", "set", incident, "impact", "Floor 3 without power")
    cli("report", "sent", incident, "--to", "emergency-team", "--via", "phone")
    clock.advance(minutes=20)
    cli("report", "set", incident, "impact", "Power back on floor 3, UPS replaced")
    second = cli.json(
        "report", "sent", incident, "--to", "Li Ming", "--via", "written", "--role", "management"
    )
    third = cli.json(
        "report",
        "sent",
        incident,
        "--to",
        "Zhao",
        "--via",
        "message",
        "--role",
        "management",
        "--version",
        "final",
    )
    versions = cli.json("report", "upward", incident)["versions"]
    assert [(v["number"], v["kind"]) for v in versions] == [
        (1, "initial"),
        (2, "followup"),
        (3, "final"),
    ]
    assert versions[0]["fields"]["impact"] == "Floor 3 without power"  # unchanged by the later edit
    assert versions[1]["fields"]["impact"] == "Power back on floor 3, UPS replaced"
    assert (second["version"], third["version"]) == (2, 3)
    timeline = " ".join(e["text"] for e in cli.json("timeline", incident))
    assert "Told Li Ming (management) written" in timeline


def test_a_raise_adds_the_reports_of_the_new_level_counted_from_the_raise(cli, clock):
    incident = cli("incident", "open", "power", "--severity", "serious").output.strip()
    assert "higher-authority" not in {
        r["role"] for r in cli.json("report", "upward", incident)["required"]
    }
    clock.advance(hours=1)
    cli("incident", "set", incident, "severity", "critical")
    required = {r["role"]: r for r in cli.json("report", "upward", incident)["required"]}
    assert required["higher-authority"]["due_at"] == str(T0 + timedelta(hours=1, minutes=15))


def test_bad_report_sent_input_is_one_line_and_writes_nothing(cli):
    incident = cli("incident", "open", "power").output.strip()
    before = db_state_of(cli.data / "console.db")
    for args in (
        ["--to", "Li", "--via", "pigeon"],
        ["--to", "", "--via", "phone"],
        ["--to", "Li", "--via", "phone", "--version", "draft"],
        ["--to", "Li", "--via", "phone", "--at", "in 1h"],
    ):
        result = cli("report", "sent", incident, *args, ok=False)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert db_state_of(cli.data / "console.db") == before


def test_times_inside_report_entries_are_the_sites_local_time_in_timeline_and_exports(cli, clock):
    """The fold writes an upward report's time and an action's due time in UTC ('at
    2026-11-22 08:13Z'); the timeline and every export show them in the site's zone, like
    the entries' own times: the time alone on the entry's day, else with its date."""
    cli("init", "--time-zone", "Asia/Shanghai")  # T0 08:00 UTC is 16:00 there
    incident = cli("incident", "open", "power").output.strip()
    clock.advance(minutes=13)
    cli("report", "sent", incident, "--to", "Li Ming", "--via", "phone", "--role", "management")
    cli("report", "sent", incident, "--to", "Zhao", "--via", "written", "--at", "15:50")
    cli("review", "action", "add", incident, "Test the UPS", "--owner", "Wang", "--due", "+2d")
    told_now = "Told Li Ming (management) phone at 16:13: initial report v1"
    told_before = "Told Zhao written at 15:50: followup report v2"
    due = "for Wang, due 2026-11-24 16:13: Test the UPS"
    shown = cli("timeline", incident).output
    assert told_now in shown and told_before in shown and due in shown, shown
    assert not re.search(r" \d\d:\d\dZ", shown), shown  # was 'at 2026-11-22 08:13Z'
    exports = {
        form: cli("export", "--format", form, "--since", "15:00", "--out", "-").output
        for form in ("md", "html", "csv", "json")
    }
    for form, text in exports.items():
        assert told_now in text and due in text, (form, text)
        assert not re.search(r" \d\d:\d\dZ", text), form
    assert "2026-11-22T08:13:00Z" in exports["csv"]  # the machine column stays UTC


def test_a_report_told_on_another_day_shows_its_date(cli, clock):
    cli("init", "--time-zone", "Asia/Shanghai")
    incident = cli("incident", "open", "power").output.strip()
    clock.advance(hours=9)  # 01:00 the next day there
    cli("report", "sent", incident, "--to", "Zhao", "--via", "phone", "--at", "2026-11-22 23:50")
    shown = cli("timeline", incident).output
    assert "at 2026-11-22 23:50: initial report v1" in shown, shown
