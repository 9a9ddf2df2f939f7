"""The incident report: the seven required fields of seed 000 (服务突发事件报告的主要内容)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class ReportField:
    key: str
    label: str
    label_zh: str
    multiline: bool
    hint: str


REPORT_FIELDS: tuple[ReportField, ...] = (
    ReportField("site", "Site name and location", "服务大厅名称、地点", False, "e.g. Hotline centre, 3F Building A"),
    ReportField("occurred_at", "Time of occurrence", "事件发生的时间", False, "YYYY-MM-DD HH:MM (local time)"),
    ReportField("type", "Incident type", "事件的类型", False, "surge, system fault, fire, robbery ..."),
    ReportField("impact", "Impact and severity", "影响和危害程度", True, "losses, casualties, scope of impact"),
    ReportField("measures", "Measures taken and degree of control", "已采取的应急措施，对事件的控制程度", True, "what was done, is it under control"),
    ReportField("trend", "Trend, potential losses and next measures", "事态发展趋势、潜在损失及进一步措施", True, "how it may develop, what comes next"),
    ReportField("other", "Other relevant information", "其它有关内容", True, "anything else; write 'none' if nothing"),
)
FIELD_KEYS = tuple(f.key for f in REPORT_FIELDS)
MIN_LONG_FIELD = 10  # a long field shorter than this is not a real answer


class ReportStatus(StrEnum):
    DRAFT = "draft"
    COMPLETE = "complete"


@dataclass(frozen=True)
class Report:
    incident_id: str
    values: dict[str, str] = field(default_factory=dict)
    status: ReportStatus = ReportStatus.DRAFT

    def value(self, key: str) -> str:
        return self.values.get(key, "")


def field_by_key(key: str) -> ReportField | None:
    return next((f for f in REPORT_FIELDS if f.key == key), None)


def parse_local_time(text: str) -> datetime | None:
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    return None


def problems(report: Report) -> dict[str, str]:
    """Field key -> what is wrong with it. Empty when the report may be marked complete."""
    found: dict[str, str] = {}
    for spec in REPORT_FIELDS:
        value = report.value(spec.key).strip()
        if not value:
            found[spec.key] = f"{spec.label} is missing"
        elif spec.key == "occurred_at" and parse_local_time(value) is None:
            found[spec.key] = f"{spec.label} {value!r} is not a time like 2026-11-22 14:05"
        elif spec.multiline and spec.key != "other" and len(value) < MIN_LONG_FIELD:
            found[spec.key] = f"{spec.label} is too short ({len(value)} characters, at least {MIN_LONG_FIELD})"
    return found


@dataclass(frozen=True)
class PrefillContext:
    site: str
    occurred_at_local: str
    incident_type: str
    measures: list[str]


def prefill(report: Report, context: PrefillContext) -> dict[str, str]:
    """Values the console already knows, for fields still empty. Never overwrites.

    Impact and trend are never prefilled: only the lead can judge them, and a stock
    sentence would let an empty answer pass the completeness check."""
    known = {
        "site": context.site,
        "occurred_at": context.occurred_at_local,
        "type": context.incident_type,
        "measures": "\n".join(f"- {m}" for m in context.measures),
    }
    return {k: v for k, v in known.items() if v and not report.value(k).strip()}
