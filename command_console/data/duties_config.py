"""duties.toml in the data directory: the site-wide upward-report rule and the shift
routines. Optional: without it the defaults from the seeds apply (core/duties.py).

    [[upward]]                 # who must be told, by when, from which severity
    role = "emergency-team"
    within = "15m"
    from_severity = "general"

    [[routines]]               # recurring shift duties
    id = "floor-patrol"
    title = "Patrol the floor"
    title_zh = "巡视"
    every = "30m"              # or: at = "17:00" (daily, local time)

A bad file is one line naming the file, the entry and the field; nothing is used from it.
"""

from __future__ import annotations

import tomllib
from datetime import time
from pathlib import Path

from command_console.core.contacts import ROLES
from command_console.core.duties import DEFAULT_ROUTINES, DEFAULT_UPWARD_RULE, Routine, UpwardRule
from command_console.core.errors import UserError
from command_console.core.incidents import Severity
from command_console.core.plans import parse_duration
from command_console.i18n import _

FILE_NAME = "duties.toml"
MAX_ENTRIES = 40
MAX_DEADLINE_S = 30 * 24 * 3600


def duties_file(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


def load(data_dir: Path) -> tuple[tuple[UpwardRule, ...], tuple[Routine, ...]]:
    """(upward rule, routines) from duties.toml, each part defaulting when absent."""
    path = duties_file(data_dir)
    if not path.exists():
        return DEFAULT_UPWARD_RULE, DEFAULT_ROUTINES
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(
            _("{path}: cannot read it ({reason})").format(path=path, reason=str(exc)[:200])
        ) from None
    unknown = sorted(set(data) - {"upward", "routines"})
    if unknown:
        raise UserError(
            _("{path}: unknown key {key!r} (known: upward, routines)").format(
                path=path, key=unknown[0]
            )
        )
    upward = _entries(path, data, "upward", _upward) if "upward" in data else DEFAULT_UPWARD_RULE
    routines = (
        _entries(path, data, "routines", _routine) if "routines" in data else DEFAULT_ROUTINES
    )
    ids = [r.id for r in routines]
    if len(set(ids)) != len(ids):
        raise UserError(_("{path}: routines: an id appears twice").format(path=path))
    return upward, routines


def _entries(path: Path, data: dict, key: str, make) -> tuple:
    entries = data[key]
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise UserError(
            _("{path}: {key} must be a list of at most {n} tables").format(
                path=path, key=key, n=MAX_ENTRIES
            )
        )
    found = []
    for n, entry in enumerate(entries, 1):
        try:
            if not isinstance(entry, dict):
                raise ValueError(_("not a table"))
            found.append(make(entry))
        except (ValueError, TypeError, KeyError) as exc:
            raise UserError(
                _("{path}: {key} entry {n}: {problem}").format(
                    path=path, key=key, n=n, problem=str(exc)[:200]
                )
            ) from None
    return tuple(found)


def _only(entry: dict, allowed: set[str]) -> None:
    extra = sorted(set(entry) - allowed)
    if extra:
        raise ValueError(_("unknown field {field!r}").format(field=extra[0]))


def _text(entry: dict, key: str, limit: int, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValueError(
            _("{field} must be text of 1-{limit} characters").format(field=key, limit=limit)
        )
    return value.strip()


def _upward(entry: dict) -> UpwardRule:
    _only(entry, {"role", "within", "from_severity"})
    role = _text(entry, "role", 64)
    if role not in ROLES:
        raise ValueError(
            _("role {role!r} is not one of {roles}").format(role=role, roles=", ".join(ROLES))
        )
    seconds = parse_duration(_text(entry, "within", 20))
    if not 0 < seconds <= MAX_DEADLINE_S:
        raise ValueError(_("within must be between 1 second and 30 days"))
    level = entry.get("from_severity", "general")
    if level not in [s.value for s in Severity]:
        raise ValueError(
            _("from_severity {value!r} is not one of {levels}").format(
                value=level, levels=", ".join(s.value for s in Severity)
            )
        )
    return UpwardRule(role, seconds, Severity(level))


def _routine(entry: dict) -> Routine:
    _only(entry, {"id", "title", "title_zh", "every", "at"})
    routine_id = _text(entry, "id", 40)
    if (
        not routine_id.replace("-", "").isalnum()
        or not routine_id.isascii()
        or routine_id != routine_id.lower()
    ):
        raise ValueError(
            _("id {id!r} must be lowercase letters, digits and '-'").format(id=routine_id)
        )
    title = _text(entry, "title", 200)
    title_zh = _text(entry, "title_zh", 200, required=False)
    if ("every" in entry) == ("at" in entry):
        raise ValueError(_('give exactly one of every (e.g. "30m") or at (e.g. "17:00")'))
    if "every" in entry:
        seconds = parse_duration(_text(entry, "every", 20))
        if not 60 <= seconds <= 7 * 86400:
            raise ValueError(_("every must be between 1 minute and 7 days"))
        return Routine(routine_id, title, title_zh, every_s=seconds)
    at = entry["at"]
    if isinstance(at, time):
        return Routine(routine_id, title, title_zh, at=at)
    try:
        hour, minute = (int(p) for p in _text(entry, "at", 5).split(":"))
        return Routine(routine_id, title, title_zh, at=time(hour, minute))
    except ValueError:
        raise ValueError(_("at {value!r} is not a time like 17:00").format(value=at)) from None
