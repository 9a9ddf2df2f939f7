"""The exports in Chinese: labels, CSV headers, the HTML lang attribute and the report
field names follow the chosen language; stored data (ids, names, texts) is unchanged."""

from __future__ import annotations

import csv
import io
import json

import pytest
from export_scenario import record_for

from command_console.data import exports
from command_console.i18n import set_language


@pytest.fixture
def chinese():
    set_language("zh-CN")
    yield
    set_language("en")


def render(shift_workspace, fmt: str) -> str:
    workspace, ids = shift_workspace
    return exports.render(record_for(workspace, ids["shift"]), fmt).decode("utf-8")


def test_markdown_in_chinese(shift_workspace, chinese):
    md = render(shift_workspace, "md")
    assert md.startswith("# 值班报告 — Hotline centre 热线中心, 3F Building A\n")
    assert "- **时段:** 2026-11-22 08:00 – 2026-11-22 10:20 (Asia/Shanghai)" in md
    assert "Wang Li 交班给 Zhang Wei 张伟" in md  # (entries keep the words they were written with)
    assert "5. **已采取的应急措施，对事件的控制程度:** Manual notes\n   \\- printed" in md
    assert "## 事件" in md and "#### 预案步骤" in md and "#### 报告（已完成）" in md
    assert "缺少或无效：服务大厅名称、地点, 事件发生的时间" in md
    assert (
        "7. [x] 断电持续5分钟以上:立即电话上报上级领导 — 时限 08:33；Wang Li 08:40 已完成；逾时 7 分钟"
        in md
    )
    assert "逾时 7 分钟" in md and "- **级别：** 较大；**状态：** 处置中" in md
    for english in (
        "**Window:**",
        "Plan steps",
        "(missing)",
        "LATE by",
        "Measures taken",
        "Shift log",
    ):
        assert english not in md, english


def test_html_is_marked_as_chinese(shift_workspace, chinese):
    page = render(shift_workspace, "html")
    assert '<html lang="zh-CN">' in page and "<title>值班报告 — " in page
    assert "<th>时间</th><th>记录人</th><th>类型</th><th>内容</th>" in page
    assert "事态发展趋势，可能造成的潜在损失及进一步采取的应对措施" in page
    assert "Trend, potential losses" not in page and "Shift timeline" not in page


def test_csv_headers_and_words_in_chinese(shift_workspace, chinese):
    rows = list(csv.reader(io.StringIO(render(shift_workspace, "csv"))))
    assert rows[0] == [
        "时间(UTC)",
        "本地时间",
        "事件编号",
        "事件标题",
        "级别",
        "类型",
        "记录人",
        "控制台",
        "内容",
        "记录编号",
    ]
    assert {r[4] for r in rows[1:]} <= {"", "一般", "较大", "重大", "特别重大"}
    assert "Generator started 发电机启动" in {r[8] for r in rows[1:]}


def test_json_keeps_its_keys_and_labels_the_fields_in_chinese(shift_workspace, chinese):
    data = json.loads(render(shift_workspace, "json"))
    assert data["format_version"] == 1 and data["incidents"][0]["severity"] == "serious"
    assert [f["label"] for f in data["report_fields"]] == [
        f["label_zh"] for f in data["report_fields"]
    ]


def test_english_stays_english(shift_workspace):
    page = render(shift_workspace, "html")
    assert '<html lang="en">' in page and "值班报告" not in page
