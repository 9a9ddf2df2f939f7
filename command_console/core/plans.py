"""Emergency plans: the TOML plan format, parsed and checked without touching disk.

A plan file is checked as a whole; a file with any problem yields no plan at all, so a
half-loaded plan is never used. Problems carry line and column for `path:line:col:`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from command_console.core.contacts import ROLES
from command_console.core.incidents import Severity

CATEGORIES = ("equipment", "system", "facilities", "safety", "traffic", "customer", "media", "general")
PLAN_KEYS = {"id", "title", "title_zh", "category", "severity", "source", "summary", "steps"}
STEP_KEYS = {"id", "text", "contact_role", "deadline", "escalate", "note"}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class PlanStep:
    id: str
    text: str
    deadline_s: int | None = None
    contact_role: str | None = None
    escalate: bool = False
    note: str = ""


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

    def step(self, step_id: str) -> PlanStep | None:
        return next((s for s in self.steps if s.id == step_id), None)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


def parse_duration(text: str) -> int:
    """'90s', '5m', '1h30m' -> seconds. Raises ValueError naming the accepted forms."""
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if not match or not any(match.groups()):
        raise ValueError(f"bad duration {text!r}: use forms like 30s, 5m, 1h, 1h30m")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "".join(parts) or "0s"


class _Locator:
    """Finds the line and column of a key in the source, for error messages."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.step_headers = [i for i, line in enumerate(self.lines) if line.strip().startswith("[[steps]]")]

    def _block(self, step_index: int | None) -> range:
        if step_index is None:
            end = self.step_headers[0] if self.step_headers else len(self.lines)
            return range(0, end)
        if step_index >= len(self.step_headers):
            return range(0, len(self.lines))
        start = self.step_headers[step_index]
        following = [h for h in self.step_headers if h > start]
        return range(start, following[0] if following else len(self.lines))

    def find(self, key: str | None, step_index: int | None = None) -> tuple[int, int]:
        block = self._block(step_index)
        if key is not None:
            pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for i in block:
                if pattern.match(self.lines[i]):
                    return i + 1, self.lines[i].index(key) + 1
        return (block.start + 1 if len(block) else 1), 1


def parse_plan(source: str, path: str) -> tuple[Plan | None, list[Problem]]:
    """Parse one plan file's text. Returns the plan only when there are no problems."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        message = _TOML_POSITION.sub("", str(exc)).strip()
        return None, [Problem(path, line, col, f"TOML syntax: {message}")]
    checker = _PlanChecker(data, path, _Locator(source))
    plan = checker.check()
    return (plan if not checker.problems else None), checker.problems


class _PlanChecker:
    def __init__(self, data: dict, path: str, locator: _Locator) -> None:
        self.data, self.path, self.locator = data, path, locator
        self.problems: list[Problem] = []

    def problem(self, message: str, key: str | None = None, step: int | None = None) -> None:
        line, col = self.locator.find(key, step)
        self.problems.append(Problem(self.path, line, col, message))

    def text(self, table: dict, key: str, step: int | None = None, required: bool = True) -> str:
        where = f"step {step + 1}: " if step is not None else ""
        value = table.get(key)
        if value is None:
            if required:
                self.problem(f"{where}missing required key '{key}'", None, step)
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(f"{where}'{key}' must be a non-empty string", key, step)
            return ""
        return value.strip()

    def check(self) -> Plan | None:
        data = self.data
        for key in sorted(set(data) - PLAN_KEYS):
            self.problem(f"unknown key '{key}' (allowed: {', '.join(sorted(PLAN_KEYS))})", key)
        plan_id = self.text(data, "id")
        if plan_id and not _ID.match(plan_id):
            self.problem(f"id {plan_id!r} must be lowercase kebab-case", "id")
        stem = self.path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".toml")
        if plan_id and self.path.endswith(".toml") and plan_id != stem:
            self.problem(f"id {plan_id!r} differs from the file name {stem!r}", "id")
        title = self.text(data, "title")
        category = self.text(data, "category")
        if category and category not in CATEGORIES:
            self.problem(f"unknown category {category!r} (allowed: {', '.join(CATEGORIES)})", "category")
        severity = self._severity()
        steps = self._steps()
        optional = {k: self.text(data, k, required=False) for k in ("title_zh", "source", "summary")}
        if self.problems or severity is None:
            return None
        return Plan(plan_id, title, category, severity, steps, path=self.path, **optional)

    def _severity(self) -> Severity | None:
        value = self.text(self.data, "severity")
        try:
            return Severity(value) if value else None
        except ValueError:
            allowed = " | ".join(s.value for s in Severity)
            self.problem(f"unknown severity {value!r} (allowed: {allowed})", "severity")
            return None

    def _steps(self) -> tuple[PlanStep, ...]:
        raw = self.data.get("steps")
        if not isinstance(raw, list) or not raw:
            self.problem("a plan needs at least one [[steps]] table", "steps")
            return ()
        seen: set[str] = set()
        steps = []
        for index, table in enumerate(raw):
            step = self._step(table, index, seen)
            if step:
                steps.append(step)
        return tuple(steps)

    def _step(self, table: dict, index: int, seen: set[str]) -> PlanStep | None:
        if not isinstance(table, dict):
            self.problem(f"step {index + 1} must be a table", None, index)
            return None
        where = f"step {index + 1}: "
        for key in sorted(set(table) - STEP_KEYS):
            self.problem(f"{where}unknown key '{key}' (allowed: {', '.join(sorted(STEP_KEYS))})", key, index)
        step_id = self.text(table, "id", index)
        if step_id and not _ID.match(step_id):
            self.problem(f"{where}id {step_id!r} must be lowercase kebab-case", "id", index)
        if step_id in seen:
            self.problem(f"{where}duplicate step id {step_id!r}", "id", index)
        seen.add(step_id)
        text = self.text(table, "text", index)
        deadline = self._deadline(table, index)
        role = table.get("contact_role")
        if role is not None and role not in ROLES:
            self.problem(f"{where}unknown contact role {role!r} (allowed: {', '.join(ROLES)})", "contact_role", index)
        escalate = table.get("escalate", False)
        if not isinstance(escalate, bool):
            self.problem(f"{where}'escalate' must be true or false", "escalate", index)
        note = self.text(table, "note", index, required=False)
        if not (step_id and text):
            return None
        return PlanStep(step_id, text, deadline, role, bool(escalate), note)

    def _deadline(self, table: dict, index: int) -> int | None:
        value = table.get("deadline")
        if value is None:
            return None
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.problem(f"step {index + 1}: {exc}", "deadline", index)
            return None
