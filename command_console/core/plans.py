"""Emergency plans: the TOML plan format, parsed and checked without touching disk.

A plan file is checked as a whole; a file with any problem yields no plan at all, so a
half-loaded plan is never used. Problems carry line and column for `path:line:col:`.
Plan content is data in two languages (`title`/`title_zh`, `text`/`text_zh` ...), not
gettext: pick one with `in_language`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from command_console.core.contacts import ROLES
from command_console.core.incidents import Severity
from command_console.core.plan_source import Locator, Problem, nesting_problem
from command_console.core.plan_upward import PlanUpward, check_upward
from command_console.i18n import _

CATEGORIES = (
    "equipment",
    "system",
    "facilities",
    "safety",
    "traffic",
    "customer",
    "media",
    "general",
)
PLAN_KEYS = {
    "id",
    "title",
    "title_zh",
    "category",
    "severity",
    "source",
    "summary",
    "summary_zh",
    "steps",
    "upward",
}
STEP_KEYS = {
    "id",
    "text",
    "text_zh",
    "contact_role",
    "deadline",
    "escalate",
    "note",
    "note_zh",
    "after",
    "from_severity",
    "at_once",
    "guidance",
}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
RAISABLE = tuple(s for s in Severity if s != Severity.GENERAL)

__all__ = [
    "Plan",
    "PlanStep",
    "Problem",
    "format_duration",
    "in_language",
    "parse_duration",
    "parse_plan",
    "step_marks",
]


def in_language(english: str, chinese: str, language: str) -> str:
    """The Chinese text for a zh language when there is one, else the English."""
    return chinese if chinese and language.lower().startswith("zh") else english


@dataclass(frozen=True)
class PlanStep:
    id: str
    text: str
    deadline_s: int | None = None
    contact_role: str | None = None
    escalate: bool = False
    note: str = ""
    text_zh: str = ""
    note_zh: str = ""
    after: str | None = None  # the deadline counts from this step's completion
    from_severity: Severity | None = None  # applies only from this severity up
    at_once: bool = False  # urgent from the start, never rings as overdue
    guidance: bool = False  # not in the source plans: shown as guidance

    def text_in(self, language: str) -> str:
        return in_language(self.text, self.text_zh, language)

    def note_in(self, language: str) -> str:
        return in_language(self.note, self.note_zh, language)


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    category: str
    severity: Severity
    steps: tuple[PlanStep, ...]
    title_zh: str = ""
    source: str = ""
    summary: str = ""
    path: str = ""
    summary_zh: str = ""
    upward: tuple[PlanUpward, ...] = ()  # the plan's own upward-reporting duties ([[upward]])

    def step(self, step_id: str) -> PlanStep | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def title_in(self, language: str) -> str:
        return in_language(self.title, self.title_zh, language)

    def summary_in(self, language: str) -> str:
        return in_language(self.summary, self.summary_zh, language)

    def steps_at(self, severity: Severity) -> tuple[PlanStep, ...]:
        """The steps that apply to an incident of this severity."""
        return tuple(
            s
            for s in self.steps
            if s.from_severity is None or s.from_severity.rank <= severity.rank
        )


def step_marks(step: object) -> list[str]:
    """Short labels of what is special about a step (a plan step or an incident's step):
    at once, after <step>, from <severity>, guidance, escalate. Shown beside its text."""
    from command_console.core import labels

    marks = [_("at once")] if getattr(step, "at_once", False) else []
    after, from_severity = getattr(step, "after", None), getattr(step, "from_severity", None)
    if after:
        marks.append(_("after {step}").format(step=after))
    if from_severity:
        marks.append(_("from {severity}").format(severity=labels.severity(from_severity)))
    if getattr(step, "guidance", False):
        marks.append(_("guidance"))
    if getattr(step, "escalate", False):
        marks.append(_("escalate"))
    return marks


def parse_duration(text: str) -> int:
    """'90s', '5m', '1h30m' -> seconds. Raises ValueError naming the accepted forms."""
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if not match or not any(match.groups()):
        raise ValueError(
            _("bad duration {text!r}: use forms like 30s, 5m, 1h, 1h30m").format(text=text)
        )
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts) or "0s"


def parse_plan(source: str, path: str) -> tuple[Plan | None, list[Problem]]:
    """Parse one plan file's text. Returns the plan only when there are no problems."""
    too_deep = nesting_problem(source, path)
    if too_deep:
        return None, [too_deep]
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        message = _TOML_POSITION.sub("", str(exc)).strip()
        return None, [Problem(path, line, col, _("TOML syntax: {message}").format(message=message))]
    except RecursionError:
        return None, [Problem(path, 1, 1, _("nested too deeply"))]
    checker = _PlanChecker(data, path, Locator(source))
    plan = checker.check()
    return (plan if not checker.problems else None), checker.problems


class _PlanChecker:
    def __init__(self, data: dict[str, Any], path: str, locator: Locator) -> None:
        self.data, self.path, self.locator = data, path, locator
        self.problems: list[Problem] = []

    def problem(
        self, message: str, key: str | None = None, step: int | None = None, table: str = "steps"
    ) -> None:
        line, col = self.locator.find(key, step, table)
        prefix = _("step {n}: ").format(n=step + 1) if step is not None and table == "steps" else ""
        self.problems.append(Problem(self.path, line, col, prefix + message))

    def text(
        self, table: dict[str, Any], key: str, step: int | None = None, required: bool = True
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(_("missing required key '{key}'").format(key=key), None, step)
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(_("'{key}' must be a non-empty string").format(key=key), key, step)
            return ""
        return value.strip()

    def flag(self, table: dict[str, Any], key: str, step: int) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.problem(_("'{key}' must be true or false").format(key=key), key, step)
            return False
        return value

    def unknown_keys(
        self, table: dict[str, Any], allowed: set[str], step: int | None = None
    ) -> None:
        for key in sorted(set(table) - allowed):
            self.problem(
                _("unknown key '{key}' (allowed: {allowed})").format(
                    key=key, allowed=", ".join(sorted(allowed))
                ),
                key,
                step,
            )

    def check(self) -> Plan | None:
        data = self.data
        self.unknown_keys(data, PLAN_KEYS)
        plan_id = self.text(data, "id")
        if plan_id and not _ID.match(plan_id):
            self.problem(_("id {id!r} must be lowercase kebab-case").format(id=plan_id), "id")
        stem = self.path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".toml")
        if plan_id and self.path.endswith(".toml") and plan_id != stem:
            self.problem(
                _("id {id!r} differs from the file name {stem!r}").format(id=plan_id, stem=stem),
                "id",
            )
        title = self.text(data, "title")
        category = self.text(data, "category")
        if category and category not in CATEGORIES:
            self.problem(
                _("unknown category {category!r} (allowed: {allowed})").format(
                    category=category, allowed=", ".join(CATEGORIES)
                ),
                "category",
            )
        severity = self._severity(data, "severity", Severity)
        steps = self._steps()
        upward = check_upward(self)
        optional = {
            k: self.text(data, k, required=False)
            for k in ("title_zh", "source", "summary", "summary_zh")
        }
        self._limits(data)
        if self.problems or severity is None:
            return None
        return Plan(
            plan_id, title, category, severity, steps, path=self.path, upward=upward, **optional
        )

    def _limits(self, data: dict[str, Any]) -> None:
        """What the incident.open schema accepts, so a plan that passes here can always be opened."""
        from command_console.core import op_schema as limit
        from command_console.core.text import TITLE_LIMIT

        def too_long(
            table: dict[str, Any], keys: tuple[str, ...], most: int, step: int | None = None
        ) -> None:
            for key in keys:
                if isinstance(table.get(key), str) and len(table[key]) > most:
                    self.problem(
                        _("'{key}' is longer than {most} characters").format(key=key, most=most),
                        key,
                        step,
                    )

        too_long(data, ("title", "title_zh"), TITLE_LIMIT)
        too_long(data, ("source", "summary", "summary_zh"), limit.NOTE_LIMIT)
        listed = data.get("steps")
        steps = listed if isinstance(listed, list) else []
        if len(steps) > limit.MAX_PLAN_STEPS:
            self.problem(_("more than {most} steps").format(most=limit.MAX_PLAN_STEPS), "steps")
        for index, table in enumerate(s for s in steps if isinstance(s, dict)):
            too_long(table, ("id", "after"), 64, index)
            too_long(table, ("text", "text_zh"), limit.STEP_TEXT_LIMIT, index)
            too_long(table, ("note", "note_zh"), limit.NOTE_LIMIT, index)
            try:
                seconds = parse_duration(table["deadline"]) if "deadline" in table else 0
            except ValueError:
                continue  # already reported
            if seconds > limit.MAX_DEADLINE_S:
                self.problem(
                    _("a deadline may be at most {most}").format(
                        most=format_duration(limit.MAX_DEADLINE_S)
                    ),
                    "deadline",
                    index,
                )

    def _severity(
        self,
        table: dict[str, Any],
        key: str,
        allowed: tuple[Severity, ...] | type[Severity],
        step: int | None = None,
    ) -> Severity | None:
        value = self.text(table, key, step, required=key == "severity")
        found = next((s for s in allowed if s.value == value), None)
        if value and found is None:
            self.problem(
                _("unknown {key} {value!r} (allowed: {allowed})").format(
                    key=key, value=value, allowed=" | ".join(s.value for s in allowed)
                ),
                key,
                step,
            )
        return found

    def _steps(self) -> tuple[PlanStep, ...]:
        raw = self.data.get("steps")
        if not isinstance(raw, list) or not raw:
            self.problem(_("a plan needs at least one [[steps]] table"), "steps")
            return ()
        seen: set[str] = set()
        steps = [
            step for index, table in enumerate(raw) if (step := self._step(table, index, seen))
        ]
        for index, step in enumerate(steps):
            if step.after is not None and (step.after == step.id or step.after not in seen):
                self.problem(
                    _("'after' must name another step of this plan, not {after!r}").format(
                        after=step.after
                    ),
                    "after",
                    index,
                )
        self._at_once_first(steps)
        return tuple(steps)

    def _at_once_first(self, steps: list[PlanStep]) -> None:
        """Urgent steps are listed first (an `after` step sits where its trigger makes sense)."""
        plain_seen = False
        for index, step in enumerate(steps):
            if step.after is not None:
                continue
            if not step.at_once:
                plain_seen = True
            elif plain_seen:
                self.problem(
                    _("an 'at_once' step is listed after steps that are not: list it first"),
                    "at_once",
                    index,
                )
                return

    def _step(self, table: dict[str, Any], index: int, seen: set[str]) -> PlanStep | None:
        if not isinstance(table, dict):
            self.problem(_("must be a table"), None, index)
            return None
        self.unknown_keys(table, STEP_KEYS, index)
        step_id = self.text(table, "id", index)
        if step_id and not _ID.match(step_id):
            self.problem(
                _("id {id!r} must be lowercase kebab-case").format(id=step_id), "id", index
            )
        if step_id in seen:
            self.problem(_("duplicate step id {id!r}").format(id=step_id), "id", index)
        seen.add(step_id)
        text = self.text(table, "text", index)
        deadline = self._deadline(table, index)
        role = table.get("contact_role")
        if role is not None and role not in ROLES:
            self.problem(
                _("unknown contact role {role!r} (allowed: {allowed})").format(
                    role=role, allowed=", ".join(ROLES)
                ),
                "contact_role",
                index,
            )
        escalate, at_once, guidance = (
            self.flag(table, k, index) for k in ("escalate", "at_once", "guidance")
        )
        if at_once and deadline is not None:
            self.problem(
                _("an 'at_once' step has no deadline: it is urgent from the start and never rings"),
                "deadline",
                index,
            )
        after = self.text(table, "after", index, required=False) or None
        from_severity = self._severity(table, "from_severity", RAISABLE, index)
        zh = {k: self.text(table, k, index, required=False) for k in ("text_zh", "note_zh")}
        note = self.text(table, "note", index, required=False)
        if not (step_id and text):
            return None
        return PlanStep(
            step_id,
            text,
            deadline,
            role,
            escalate,
            note,
            after=after,
            from_severity=from_severity,
            at_once=at_once,
            guidance=guidance,
            **zh,
        )

    def _deadline(self, table: dict[str, Any], index: int) -> int | None:
        value = table.get("deadline")
        if value is None:
            return None
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            self.problem(str(exc), "deadline", index)
            return None
        if seconds <= 0:
            self.problem(_("a deadline must be longer than 0s"), "deadline", index)
            return None
        return seconds
