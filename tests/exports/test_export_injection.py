"""Hostile user text through every format: markup, HTML, CSV formulas, control and bidi
characters, Chinese. Each format must keep the text as text and drop the controls."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from export_scenario import INJECTION, build_shift, make_workspace, record_for
from markdown_it import MarkdownIt

from command_console.core.text import clean
from command_console.data import actions, exports

FORBIDDEN_CHARS = ("\x1b", "\x07", "\u202e", "\x00")


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def parse_html(source: str) -> Collect:
    parser = Collect()
    parser.feed(source)
    parser.close()
    return parser


@pytest.fixture
def hostile(tmp_path, clock, fixed_ids):
    workspace = make_workspace(
        tmp_path, clock, site_name="<i>Hall</i> [bold]A[/bold] =HYPERLINK(x)"
    )
    joined = "\n".join(INJECTION.values())
    ids = build_shift(
        workspace,
        clock,
        {
            "title": INJECTION["markup"],
            "note": INJECTION["html"],
            "callee": "=cmd|' /C calc'!A0 " + INJECTION["bidi"],
            "handover": joined,
            "impact": joined,
            "other": INJECTION["controls"],
            "incoming": "@Zhang " + INJECTION["chinese"],
        },
    )
    store = workspace.store
    for value in INJECTION.values():
        actions.log(store, ids["power"], value)
        actions.open_incident(store, workspace.plan("media-enquiry"), title=value)
    record = record_for(workspace, since=workspace.clock.now().replace(hour=0, minute=0))
    yield record
    workspace.close()


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_no_control_or_bidi_character_reaches_any_format(hostile, fmt):
    out = exports.render(hostile, fmt).decode("utf-8")
    assert not [c for c in FORBIDDEN_CHARS if c in out]
    assert INJECTION["chinese"] in out and "redALERT bell end" in out


def test_markdown_renders_hostile_text_literally(hostile):
    source = exports.render(hostile, "md").decode()
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(source)
    parsed = parse_html(html)
    assert parsed.tags <= {"h1", "h2", "h3", "h4", "ul", "ol", "li", "p", "strong", "blockquote"}, (
        parsed.tags
    )
    text = "".join(parsed.text)
    for value in ("markup", "html", "markdown", "formula", "at"):
        assert INJECTION[value] in text, value
    assert "<i>Hall</i> [bold]A[/bold]" in text


def test_html_escapes_every_piece_of_user_text(hostile):
    parsed = parse_html(exports.render(hostile, "html").decode())
    ours = {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "h4",
        "dl",
        "dt",
        "dd",
        "figure",
        "svg",
        "rect",
        "line",
        "text",
        "path",
        "ul",
        "li",
        "section",
        "span",
        "p",
        "b",
        "i",
        "table",
        "tr",
        "th",
        "td",
        "div",
        "br",
    }
    assert parsed.tags <= ours and "script" not in parsed.tags, parsed.tags - ours
    assert not [name for name, _ in parsed.attrs if name.startswith("on")]
    assert not [
        v for n, v in parsed.attrs if n != "xmlns" and v and ("http:" in v or "https:" in v)
    ]
    text = "".join(parsed.text)
    for value in INJECTION.values():
        assert clean(value) in text
    assert "<i>Hall</i> [bold]A[/bold]" in text


def test_csv_neutralises_formula_cells(hostile):
    rows = list(
        csv.reader(io.StringIO(exports.render(hostile, "csv", bom=True).decode("utf-8-sig")))
    )
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "\0")]
    texts = {row[8] for row in rows[1:]}
    assert {"'=1+1", "'@SUM(A1:A9)", "'-2+3", "'+86 10 5550 0000"} <= texts
    assert "'=1+1" in {row[3] for row in rows[1:]}  # incident title column too
    assert "[bold]Loud[/bold] [@click=app.quit]quit[/]" in texts and INJECTION["chinese"] in texts


def test_json_keeps_the_cleaned_text_exactly(hostile):
    data = json.loads(exports.render(hostile, "json"))
    texts = {e["text"] for i in data["incidents"] for e in i["entries"]}
    assert {clean(v) for v in INJECTION.values()} <= texts
    impacts = [
        i["report"]["fields"]["impact"]
        for i in data["incidents"]
        if i["report"]["fields"]["impact"]
    ]
    assert clean("\n".join(INJECTION.values()), multiline=True) in impacts
    assert data["site"]["name"] == "<i>Hall</i> [bold]A[/bold] =HYPERLINK(x)"
