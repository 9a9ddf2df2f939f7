"""Markdown, CSV and JSON exports of a fixed shift against golden files.

Regenerate after an intended change with UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from export_scenario import record_for

from command_console.data import exports

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_export_matches_golden_file(shift_workspace, fmt):
    workspace, ids = shift_workspace
    produced = exports.render(record_for(workspace, ids["shift"]), fmt)
    golden = GOLDEN / f"shift.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(produced)
    assert produced == golden.read_bytes(), (
        f"{fmt} export differs from {golden} (UPDATE_GOLDEN=1 to accept)"
    )


def test_golden_shift_has_what_the_issue_asks_for(shift_workspace):
    """Guards the golden files themselves: they must show late steps, callbacks, handover."""
    workspace, ids = shift_workspace
    md = exports.render(record_for(workspace, ids["shift"]), "md").decode()
    assert "- **Window:** 2026-11-22 08:00 – 2026-11-22 10:20 (Asia/Shanghai)" in md
    assert "Wang Li (11-22 08:00 – 11-22 10:20)" in md and "handed over to Zhang Wei 张伟" in md
    assert (
        "[x] Outage of 5 min or more: phone your superior at once — due 08:33; done 08:40 by Wang Li; LATE by 7 min"
        in md
    )
    assert "[-] Check the admin offices: alarm fault or test?" in md and "Guard already there" in md
    assert "Zhou Min 周敏 +86 10 5550 0199 — left message at 11-22 08:40 (2 attempts)" in md
    assert (
        "5. **Measures taken and degree of control / 已采取的应急措施，对事件的控制程度:** Manual notes\n   \\- printed"
        in md
    )
    assert "Power back, UPS recharging" not in md  # logged after the window closed


def test_json_is_versioned_and_rebuilds_the_report(shift_workspace):
    workspace, ids = shift_workspace
    data = json.loads(exports.render(record_for(workspace, ids["shift"]), "json"))
    assert data["format"] == "command-console/shift-report" and data["format_version"] == 1
    assert [f["key"] for f in data["report_fields"]] == [
        "site",
        "occurred_at",
        "type",
        "impact",
        "measures",
        "trend",
        "other",
    ]
    crm = next(i for i in data["incidents"] if i["id"] == ids["crm"])
    assert crm["report"]["status"] == "complete" and crm["report"]["problems"] == {}
    assert (
        crm["report"]["fields"]["measures"] == "Manual notes\n- printed material\n- call-back list"
    )
    alarm = next(i for i in data["incidents"] if i["id"] == ids["alarm"])
    assert set(alarm["report"]["problems"]) == {
        "occurred_at",
        "type",
        "impact",
        "measures",
        "trend",
        "other",
    }
    assert data["shifts"][0]["handover_summary"]["counts"]["callbacks"] == 1
    assert data["awaiting_callback"][0]["outcome"] == "left message"


def test_csv_has_one_row_per_timeline_entry_in_the_window(shift_workspace):
    import csv
    import io

    workspace, ids = shift_workspace
    record = record_for(workspace, ids["shift"])
    rows = list(csv.reader(io.StringIO(exports.render(record, "csv").decode())))
    assert rows[0][0] == "at_utc" and len(rows) - 1 == len(record.entries) > 10
    assert [r[-1] for r in rows[1:]] == [e.id for e in record.entries]


def test_bom_only_when_asked(shift_workspace):
    workspace, ids = shift_workspace
    record = record_for(workspace, ids["shift"])
    assert exports.render(record, "csv", bom=True).startswith("\ufeff".encode())
    assert not exports.render(record, "csv").startswith("\ufeff".encode())
