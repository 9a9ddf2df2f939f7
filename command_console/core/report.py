"""The incident report: the seven required fields of seed 000 (服务突发事件报告的主要内容)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from command_console.i18n import N_, _, pgettext


@dataclass(frozen=True)
class ReportField:
    key: str
    label: str
    label_zh: str
    multiline: bool
    hint: str


# label_zh is seed 000's own wording (服务突发事件报告的主要内容, items 一 to 七); the zh-CN
# catalog translates each English label to exactly this text (tests/i18n check it).
REPORT_FIELDS: tuple[ReportField, ...] = (
    ReportField(
        "site",
        N_("Site name and location"),
        "服务大厅名称、地点",
        False,
        N_("e.g. Hotline centre, 3F Building A"),
    ),
    ReportField(
        "occurred_at",
        N_("Time of occurrence"),
        "事件发生的时间",
        False,
        N_("YYYY-MM-DD HH:MM (local time)"),
    ),
    ReportField(
        "type",
        N_("Incident type"),
        "事件的类型",
        False,
        N_("surge, system fault, fire, robbery ..."),
    ),
    ReportField(
        "impact",
        N_("Impact and severity"),
        "事件的影响和危害程度",
        True,
        N_("losses, casualties, scope of impact"),
    ),
    ReportField(
        "measures",
        N_("Measures taken and degree of control"),
        "已采取的应急措施，对事件的控制程度",
        True,
        N_("what was done, is it under control"),
    ),
    ReportField(
        "trend",
        N_("Trend, potential losses and next measures"),
        "事态发展趋势，可能造成的潜在损失及进一步采取的应对措施",
        True,
        N_("how it may develop, what comes next"),
    ),
    ReportField(
        "other",
        N_("Other relevant information"),
        "其它有关内容",
        True,
        N_("anything else; write 'none' if nothing"),
    ),
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
    from command_console.core.when import parse_stamp  # one parser for every time the lead types

    return parse_stamp(text)


def field_title(spec: ReportField) -> str:
    """'Measures taken and degree of control / 已采取的应急措施，对事件的控制程度' in English; the seed's name alone in Chinese."""
    label = _(spec.label)
    return label if label == spec.label_zh else f"{label} / {spec.label_zh}"


def field_name(key: str) -> str:
    """A field's short name in lists of missing fields: the key in English, the seed's name in Chinese."""
    names = {
        "site": pgettext("report field key", "site"),
        "occurred_at": pgettext("report field key", "occurred_at"),
        "type": pgettext("report field key", "type"),
        "impact": pgettext("report field key", "impact"),
        "measures": pgettext("report field key", "measures"),
        "trend": pgettext("report field key", "trend"),
        "other": pgettext("report field key", "other"),
    }
    return names.get(key, key)


def problems(report: Report) -> dict[str, str]:
    """Field key -> what is wrong with it. Empty when the report may be marked complete."""
    found: dict[str, str] = {}
    for spec in REPORT_FIELDS:
        value = report.value(spec.key).strip()
        label = _(spec.label)
        if not value:
            found[spec.key] = _("{field} is missing").format(field=label)
        elif spec.key == "occurred_at" and parse_local_time(value) is None:
            found[spec.key] = _("{field} {value!r} is not a time like 2026-11-22 14:05").format(
                field=label, value=value
            )
        elif spec.multiline and spec.key != "other" and len(value) < MIN_LONG_FIELD:
            found[spec.key] = _(
                "{field} is too short ({length} characters, at least {minimum})"
            ).format(field=label, length=len(value), minimum=MIN_LONG_FIELD)
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
