"""What each severity level means, in the seeds' own words, for the plan picker to show.

Seed 001 (a hotline plan, lines 54-64) grades events by scope of impact and severity into
four levels and says who responds; seed 000 (lines 33-39) describes three levels by their
effect on customers. Data in both languages (not gettext): the Chinese is the seeds' text.
"""

from __future__ import annotations

from dataclasses import dataclass

from command_console.core.incidents import Severity
from command_console.core.plans import in_language


@dataclass(frozen=True)
class Wording:
    source: str  # seed file and line
    en: str
    zh: str

    def in_language(self, language: str) -> str:
        return in_language(self.en, self.zh, language)


BASIS = Wording(
    "seed 001 line 54",
    "Events are graded by scope of impact and severity: general, serious, major, critical.",
    "根据事件影响范围、严重程度,将突发事件划分为四个级别:一般事件、较大事件、重大事件和特别重大事件。",
)

GUIDANCE: dict[Severity, tuple[Wording, ...]] = {
    Severity.GENERAL: (
        Wording(
            "seed 001 line 58",
            "General: agents handle it themselves, reporting to management when needed.",
            "一般事件:客服人员自行处理,必要时上报管理部门。",
        ),
        Wording(
            "seed 000 line 35",
            "General: a small effect on some customers' service; back to normal in a short time.",
            "一般应急事件:对部分客户的服务造成较小影响,可在短时间内恢复正常。",
        ),
    ),
    Severity.SERIOUS: (
        Wording(
            "seed 001 line 60",
            "Serious: agents report to management; the emergency group starts the plan and "
            "coordinates the departments.",
            "较大事件:客服人员上报管理部门,应急小组启动应急预案,协调各部门处理。",
        ),
        Wording(
            "seed 000 line 37",
            "Serious: a clear effect on many customers' service; recovery takes some time and "
            "resources.",
            "较大应急事件:对较多客户的服务造成明显影响,需要一定时间和资源才能恢复正常。",
        ),
    ),
    Severity.MAJOR: (
        Wording(
            "seed 001 line 62",
            "Major: the emergency group starts the plan at once; all departments respond in full.",
            "重大事件:应急小组立即启动应急预案,协调各部门全力应对。",
        ),
        Wording(
            "seed 000 line 39",
            "Major: a serious effect on a large number of customers; recovery takes long and "
            "costs much.",
            "重大应急事件:对大量客户的服务造成严重影响,恢复正常需要较长时间和较大投入。",
        ),
    ),
    Severity.CRITICAL: (
        Wording(
            "seed 001 line 64",
            "Critical: the emergency group starts the highest-level plan, reports to the "
            "superior department and asks for support.",
            "特别重大事件:应急小组启动最高级别应急预案,上报上级部门,请求支援。",
        ),
    ),
}


def severity_guidance(severity: Severity, language: str) -> list[str]:
    """The criteria of one level, one line per seed, in the language (zh or English)."""
    return [wording.in_language(language) for wording in GUIDANCE[severity]]
