"""A plan's own upward-reporting duties: `[[upward]]` tables in the plan file.

    [[upward]]
    role = "superior"            # who must be told (a role of core.contacts.ROLES)
    within = "5m"                # by when, counted from the incident's start
    from_severity = "serious"    # optional: only from this severity up (counted from the raise)
    note = "Seed 000 line 693: ..."   # where the seed says so
    note_zh = "预案000第693行: ..."

When an incident opens with the plan, these join the site's upward-report rule (seeds
000/001, duties.toml): for a role named by both, the stricter of the two applies (the
shorter deadline, the lower severity), so a plan only ever adds duties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from command_console.core.contacts import ROLES
from command_console.core.duties import UpwardRule
from command_console.core.incidents import Severity
from command_console.i18n import _

UPWARD_KEYS = {"role", "within", "from_severity", "note", "note_zh"}
MAX_PLAN_UPWARD = 12
TABLE = "upward"


@dataclass(frozen=True)
class PlanUpward:
    role: str
    deadline_s: int
    from_severity: Severity = Severity.GENERAL
    note: str = ""
    note_zh: str = ""

    def rule(self) -> UpwardRule:
        return UpwardRule(self.role, self.deadline_s, self.from_severity)


class _Checker(Protocol):
    data: dict[str, object]

    def problem(
        self, message: str, key: str | None = None, step: int | None = None, table: str = ...
    ) -> None: ...

    def text(
        self, table: dict[str, object], key: str, step: int | None = None, required: bool = True
    ) -> str: ...


def check_upward(checker: _Checker) -> tuple[PlanUpward, ...]:
    """The plan's [[upward]] tables, each problem reported with its line and field."""
    raw = checker.data.get(TABLE, [])
    if not isinstance(raw, list):
        checker.problem(_("'upward' must be [[upward]] tables"), TABLE)
        return ()
    if len(raw) > MAX_PLAN_UPWARD:
        checker.problem(_("more than {most} [[upward]] tables").format(most=MAX_PLAN_UPWARD), TABLE)
        return ()
    found: list[PlanUpward] = []
    for index, table in enumerate(raw):
        entry = _entry(checker, table, index)
        if entry is None:
            continue
        if any(e.role == entry.role for e in found):
            _say(checker, _("role {role!r} appears twice").format(role=entry.role), "role", index)
            continue
        found.append(entry)
    return tuple(found)


def _say(checker: _Checker, message: str, key: str | None, index: int) -> None:
    checker.problem(_("upward {n}: ").format(n=index + 1) + message, key, index, TABLE)


def _entry(checker: _Checker, table: object, index: int) -> PlanUpward | None:
    from command_console.core.op_schema import NOTE_LIMIT

    if not isinstance(table, dict):
        _say(checker, _("must be a table"), None, index)
        return None
    problems_before = _count(checker)
    for key in sorted(set(table) - UPWARD_KEYS):
        _say(
            checker,
            _("unknown key '{key}' (allowed: {allowed})").format(
                key=key, allowed=", ".join(sorted(UPWARD_KEYS))
            ),
            key,
            index,
        )
    role = table.get("role")
    if not isinstance(role, str) or role not in ROLES:
        _say(
            checker,
            _("unknown contact role {role!r} (allowed: {allowed})").format(
                role=role, allowed=", ".join(ROLES)
            ),
            "role",
            index,
        )
    seconds = _within(checker, table.get("within"), index)
    level = table.get("from_severity", Severity.GENERAL.value)
    severity = next((s for s in Severity if s.value == level), None)
    if severity is None:
        _say(
            checker,
            _("unknown {key} {value!r} (allowed: {allowed})").format(
                key="from_severity", value=level, allowed=" | ".join(s.value for s in Severity)
            ),
            "from_severity",
            index,
        )
    notes = {}
    for key in ("note", "note_zh"):
        value = table.get(key, "")
        if not isinstance(value, str) or len(value) > NOTE_LIMIT:
            _say(
                checker,
                _("'{key}' must be text of at most {most} characters").format(
                    key=key, most=NOTE_LIMIT
                ),
                key,
                index,
            )
            value = ""
        notes[key] = value.strip()
    if _count(checker) > problems_before or severity is None or not isinstance(role, str):
        return None
    return PlanUpward(role, seconds, severity, **notes)


def _within(checker: _Checker, within: object, index: int) -> int:
    from command_console.core.op_schema import MAX_DEADLINE_S
    from command_console.core.plans import format_duration, parse_duration

    if within is None:
        _say(checker, _("missing required key '{key}'").format(key="within"), None, index)
        return 0
    try:
        seconds = parse_duration(within) if isinstance(within, str) else 0
    except ValueError as exc:
        _say(checker, str(exc), "within", index)
        return 0
    if not 0 < seconds <= MAX_DEADLINE_S:
        _say(
            checker,
            _("'within' must be between 1s and {most}").format(
                most=format_duration(MAX_DEADLINE_S)
            ),
            "within",
            index,
        )
    return seconds


def _count(checker: _Checker) -> int:
    return len(getattr(checker, "problems", ()))


def merged_rule(site: tuple[UpwardRule, ...], plan: tuple[PlanUpward, ...]) -> list[UpwardRule]:
    """The site's rule with the plan's duties added; a role in both gets the stricter terms
    (shorter deadline, lower severity). Site roles keep their order, the plan's new ones follow."""
    by_role: dict[str, UpwardRule] = {}
    for rule in (*site, *(p.rule() for p in plan)):
        before = by_role.get(rule.role)
        if before is None:
            by_role[rule.role] = rule
            continue
        by_role[rule.role] = UpwardRule(
            rule.role,
            min(before.deadline_s, rule.deadline_s),
            min(before.from_severity, rule.from_severity, key=lambda s: s.rank),
        )
    return list(by_role.values())


def upward_lines(upward: tuple[PlanUpward, ...], language: str) -> list[str]:
    """`plans show`: each upward duty of the plan, in the chosen language."""
    from command_console.core import labels
    from command_console.core.contacts import role_label
    from command_console.core.plans import format_duration, in_language

    lines = [_("Upward reports this plan requires:")] if upward else []
    for entry in upward:
        line = _("  report to {who} within {within}").format(
            who=role_label(entry.role, language), within=format_duration(entry.deadline_s)
        )
        if entry.from_severity != Severity.GENERAL:
            line += " " + _("(from {severity})").format(
                severity=labels.severity(entry.from_severity)
            )
        note = in_language(entry.note, entry.note_zh, language)
        lines.append(line + (f" · {note}" if note else ""))
    return lines


def upward_json(upward: tuple[PlanUpward, ...]) -> list[dict[str, object]]:
    return [
        {
            "role": e.role,
            "within_s": e.deadline_s,
            "from_severity": e.from_severity.value,
            "note": e.note,
            "note_zh": e.note_zh,
        }
        for e in upward
    ]
