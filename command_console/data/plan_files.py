"""Plan files on disk: the shipped plans, overridden or extended by the user's folder.

Only regular files are read, and only up to MAX_PLAN_BYTES: a FIFO or a link to a device
named *.toml is refused without blocking (opened non-blocking, checked with fstat).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from command_console.core.plans import Plan, Problem, parse_plan
from command_console.i18n import _

MAX_PLAN_BYTES = 256 * 1024


@dataclass
class PlanLibrary:
    plans: dict[str, Plan] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def sorted(self) -> list[Plan]:
        return sorted(self.plans.values(), key=lambda p: (p.category, p.title))


def plan_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        try:
            found.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
        except OSError:
            found.append(path)  # an unreadable folder: check_file names the problem
    return found


def read_plan_text(path: Path, limit: int = MAX_PLAN_BYTES) -> str:
    """The text of a regular file of at most `limit` bytes; OSError or ValueError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(
                _("not a regular file ({kind}); plans must be plain .toml files").format(
                    kind=_file_kind(info.st_mode)
                )
            )
        if info.st_size > limit:
            raise ValueError(
                _("too large ({size} bytes; a plan may have at most {limit})").format(
                    size=info.st_size, limit=limit
                )
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(_("too large (more than {limit} bytes)").format(limit=limit))
    return data.decode("utf-8")


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, _("a folder")),
        (stat.S_ISFIFO, _("a FIFO")),
        (stat.S_ISCHR, _("a character device")),
        (stat.S_ISBLK, _("a block device")),
        (stat.S_ISSOCK, _("a socket")),
    )
    return next((name for test, name in kinds if test(mode)), _("a special file"))


def check_file(path: Path) -> tuple[Plan | None, list[Problem]]:
    try:
        source = read_plan_text(path)
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                str(path),
                1,
                1,
                _("not UTF-8 text ({reason} at byte {start})").format(
                    reason=exc.reason, start=exc.start
                ),
            )
        ]
    except ValueError as exc:
        return None, [Problem(str(path), 1, 1, str(exc))]
    except OSError as exc:
        return None, [
            Problem(str(path), 1, 1, _("cannot read: {reason}").format(reason=exc.strerror or exc))
        ]
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
