"""Plan files on disk: the shipped plans, overridden or extended by the user's folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from command_console.core.plans import Plan, Problem, parse_plan


@dataclass
class PlanLibrary:
    plans: dict[str, Plan] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def sorted(self) -> list[Plan]:
        return sorted(self.plans.values(), key=lambda p: (p.category, p.title))


def plan_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return found


def check_file(path: Path) -> tuple[Plan | None, list[Problem]]:
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(str(path), 1, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(str(path), 1, 1, f"cannot read: {exc.strerror}")]
    return parse_plan(source, str(path))


def load_library(folders: list[Path]) -> PlanLibrary:
    """Every valid plan; later folders override earlier ones by plan id.

    A file with problems contributes nothing (its problems are listed instead).
    """
    library = PlanLibrary()
    for path in plan_files([f for f in folders if f.is_dir()]):
        plan, problems = check_file(path)
        library.problems.extend(problems)
        if plan is not None:
            library.plans[plan.id] = plan
    return library
