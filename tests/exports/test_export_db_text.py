"""Issue #11, bullet 8: text read from the database (a peer's op may have put anything
there) is cleaned and escaped where every export shows it: ids, names, keys, counts, not
only the fields the lead types. Values are written straight into the readable tables, as
a merged peer op would leave them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from export_scenario import record_for
from test_export_injection import parse_html

from command_console.data import exports

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # sets the clipboard to "rm -rf ~"
HIDE_ALL = "<style>*{display:none}</style>"
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def poke(workspace, sql: str, *params) -> None:
    with workspace.store.transaction() as conn:
        conn.execute(sql, params)


@pytest.fixture
def peer_written(shift_workspace):
    workspace, ids = shift_workspace
    summary = {
        "version": 1,
        "counts": {
            HIDE_ALL: 1,
            "open_incidents": "<b>9</b>",
            OSC52 + "callbacks": 2,
            "timed_steps": {"nested": "\u202e"},
        },
    }
    poke(workspace, "UPDATE shifts SET summary = ? WHERE id = ?", json.dumps(summary), ids["shift"])
    poke(
        workspace,
        "UPDATE incidents SET title = ?, plan_title = ?, category = ? WHERE id = ?",
        "Fire " + OSC52 + "\x1b[2J",
        "Plan\u202e" + HIDE_ALL,
        "cat\x1b[31m",
        ids["power"],
    )
    poke(workspace, "UPDATE calls SET role = ?, contact_id = ?", "ops\u202eevil", "c-\x1b[2Jzhou")
    poke(
        workspace,
        "UPDATE entries SET console_id = ? WHERE incident_id = ?",
        "k7qd\x1b]0;x\x07",
        ids["crm"],
    )
    return record_for(workspace, ids["shift"])


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_no_escape_sequence_from_the_database_reaches_an_export(peer_written, fmt):
    out = exports.render(peer_written, fmt).decode("utf-8")
    assert not [c for c in RAW if c in out], fmt
    assert "52;c;" not in out  # the OSC 52 body is removed with its introducer, not left as text


def test_a_handover_counts_key_cannot_style_the_html_page(peer_written):
    page = exports.render(peer_written, "html").decode()
    assert page.count("<style>") == 1 and "b" not in parse_html(page.split("<h2>", 1)[0]).tags
    assert (
        "<style>*{display:none}" not in page
        and "&lt;style&gt;*{display:none}&lt;/style&gt;" in page
    )
    assert (
        "&lt;b&gt;9&lt;/b&gt;" in page
    )  # a count that is not a number is shown, escaped, not a crash


def test_markdown_escapes_handover_keys_and_counts(peer_written):
    text = exports.render(peer_written, "md").decode()
    counts = next(line for line in text.splitlines() if "display:none" in line)
    assert "\\<style>" in counts and "\\<b>9\\</b>" in counts


def test_csv_and_json_clean_ids_and_roles(peer_written):
    rows = list(csv.reader(io.StringIO(exports.render(peer_written, "csv").decode())))
    assert any(row[3] == "Fire " for row in rows[1:])
    assert any(row[7] == "k7qd" for row in rows[1:])
    data = json.loads(exports.render(peer_written, "json"))
    assert {c["role"] for c in data["calls"]} == {"opsevil"}
    assert {c["contact_id"] for c in data["calls"]} == {"c-zhou"}
    assert set(data["shifts"][0]["handover_summary"]["counts"]) >= {HIDE_ALL, "callbacks"}


def test_a_summary_that_is_not_an_object_reads_as_empty(shift_workspace):
    workspace, ids = shift_workspace
    poke(workspace, "UPDATE shifts SET summary = ? WHERE id = ?", json.dumps([1, 2]), ids["shift"])
    record = record_for(workspace, ids["shift"])
    for fmt in exports.FORMATS:
        assert exports.render(record, fmt)


@pytest.mark.parametrize(
    "text",
    [
        " =1+1",
        "  @SUM(A1)",
        "\u00a0=cmd|' /C calc'!A0",
        "\u3000=1+1",
        "\u3000\u3000+1",
        "＝HYPERLINK(x)",
        "＋86 10",
        "－2",
        "＠SUM(A1)",
        " \u00a0\u3000－2",
        "\u2003=1",
    ],
)
def test_csv_neutralises_formulas_after_spaces_and_full_width_signs(shift_workspace, text):
    from command_console.data import actions

    workspace, ids = shift_workspace
    actions.log(workspace.store, ids["crm"], "x" + text)  # the lead's box strips leading spaces
    poke(workspace, "UPDATE entries SET text = ? WHERE text = ?", text, "x" + text)
    record = record_for(workspace, since=workspace.clock.now().replace(hour=0, minute=0))
    rows = list(csv.reader(io.StringIO(exports.render(record, "csv").decode())))
    assert "'" + text in {row[8] for row in rows[1:]}
