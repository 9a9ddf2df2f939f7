"""config.toml: site, lead, time zone, language, console id, sync folder, emergency
numbers, alarm repeat, keymap.

The file is validated as a whole (pydantic) before it is used or written: a bad value is
one line naming the key and its line, and nothing is written. `settings_problem` checks
a candidate without writing, so `init` and `config set` can repair a broken file.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic_core import ErrorDetails

from command_console.core.errors import UserError
from command_console.core.incidents import new_console_id
from command_console.i18n import _
from command_console.paths import Paths, write_private

DEFAULT_EMERGENCY_NUMBERS = {"fire": "119", "police": "110", "ambulance": "120"}
LANGUAGES = ("zh-CN", "en")
CONFIG_LIMIT = 1_000_000  # bytes; a config.toml is a few hundred


def _zone_name(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            _("{value!r} is not a known time zone (e.g. Asia/Shanghai, UTC)").format(value=value)
        ) from None
    return value


def _console_id(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]{2,12}", value):
        raise ValueError(
            _("{value!r} must be 2-12 lowercase letters or digits").format(value=value)
        )
    return value


def _phone(value: str) -> str:
    if not re.fullmatch(r"\+?[0-9][0-9 -]{0,30}", value):
        raise ValueError(
            _("{value!r} must be a phone number in quotes: digits, '+', '-' or spaces").format(
                value=value
            )
        )
    return value


def _sync_url(value: str) -> str:
    if value:
        from command_console.data.sync.hub import url_problem

        why = url_problem(value)
        if why:
            raise ValueError(why)
    return value


def _key_name(value: str) -> str:
    if not value.strip() or len(value) > 40 or not value.isprintable():
        raise ValueError(_('{value!r} is not a key name (e.g. "ctrl+l")').format(value=value))
    return value


KNOWN_KEYS = (
    "console_id",
    "site_name",
    "site_location",
    "time_zone",
    "language",
    "lead_name",
    "sync_dir",
    "sync_url",
    "alarm_repeat_s",
    "require_approval",
    "share_group",
    "emergency_numbers",
    "keymap",
)


@functools.cache
def settings_model():
    """The schema of config.toml (pydantic). Built on first use: importing pydantic costs the
    console's cold start ~100 ms, so an unchanged, already checked file skips it (see load)."""
    from pydantic import AfterValidator, BaseModel, ConfigDict, Field

    Text = Annotated[str, Field(max_length=500)]

    class Settings(BaseModel):
        """Strict: 119 is not "119", true is not 1."""

        model_config = ConfigDict(extra="forbid", strict=True)

        console_id: Annotated[str, AfterValidator(_console_id)]
        site_name: Text = "Customer Service Centre"
        site_location: Text = ""
        time_zone: Annotated[str, AfterValidator(_zone_name)] = "UTC"
        language: Literal["zh-CN", "en"] | None = None
        lead_name: Text = ""
        sync_dir: Annotated[str, Field(max_length=4096)] = ""
        sync_url: Annotated[str, Field(max_length=4096), AfterValidator(_sync_url)] = ""
        alarm_repeat_s: Annotated[int, Field(ge=5, le=86_400)] = 60
        require_approval: bool = False
        share_group: bool = False
        emergency_numbers: dict[
            Annotated[str, Field(min_length=1, max_length=40)],
            Annotated[str, AfterValidator(_phone)],
        ] = {}
        keymap: dict[
            Annotated[str, Field(min_length=1, max_length=60)],
            Annotated[str, AfterValidator(_key_name)],
        ] = {}

    assert tuple(Settings.model_fields) == KNOWN_KEYS  # noqa: S101 - developer guard: the schema and KNOWN_KEYS list the same keys
    return Settings


@dataclass
class Config:
    console_id: str
    site_name: str = "Customer Service Centre"
    site_location: str = ""
    time_zone: str = "UTC"
    lead_name: str = ""
    sync_dir: str = ""
    sync_url: str = ""  # a PostgreSQL hub (postgresql://...); the password never lives here
    alarm_repeat_s: int = 60
    emergency_numbers: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_EMERGENCY_NUMBERS)
    )
    keymap: dict[str, str] = field(default_factory=dict)
    language: str = ""  # "" = from the locale
    require_approval: bool = False  # a new peer's operations wait for `peers approve`
    share_group: bool = False  # share files group-readable, for consoles run by different OS users

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def site(self) -> str:
        return ", ".join(p for p in (self.site_name, self.site_location) if p)


def _local_zone_name() -> str:
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            name = str(Path("/etc/localtime").resolve()).split("zoneinfo/", 1)[1]
        except (IndexError, OSError):
            name = ""
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return "UTC"


def default_config() -> Config:
    import getpass

    try:
        lead = getpass.getuser()
    except Exception:  # no user name in this environment
        lead = "lead"
    return Config(console_id=new_console_id(), time_zone=_local_zone_name(), lead_name=lead)


def to_dict(config: Config) -> dict:
    """What config.toml holds: an empty language is left out (the locale decides)."""
    data = asdict(config)
    if not data["language"]:
        del data["language"]
    return data


def to_toml(config: Config) -> bytes:
    import tomli_w

    header = _(
        "# Command Console settings. Change one with `command-console config set KEY VALUE`;\n"
        "# run `command-console init` to recreate.\n"
        '# keymap: binding id = key, e.g. quick_log = "ctrl+l" (see the ? help screen).\n'
    )
    return (header + tomli_w.dumps(to_dict(config))).encode()


def save(paths: Paths, config: Config) -> None:
    """Validate, then write atomically: a config that would not load is never written."""
    data = to_toml(config)
    from_dict(to_dict(config), paths.config, data.decode())
    write_private(paths.config, data)
    _remember_checked(paths, data.decode())


def read_raw(path: Path) -> tuple[dict, str]:
    """The TOML table and the text, or one line saying why the file cannot be read."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(CONFIG_LIMIT + 1)
    except OSError as exc:
        raise UserError(
            _("{path}: cannot read ({reason})").format(path=path, reason=exc.strerror)
        ) from None
    if len(raw) > CONFIG_LIMIT:
        raise UserError(
            _("{path}: larger than {limit} bytes; not a config file").format(
                path=path, limit=CONFIG_LIMIT
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            _(
                "{path}:{line}: not UTF-8 text; fix it with `command-console config set` after "
                "moving the file away, or run `command-console init`"
            ).format(path=path, line=line)
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise UserError(_("{path}: {problem}").format(path=path, problem=exc)) from None
    except RecursionError:
        raise UserError(_("{path}: nested too deeply").format(path=path)) from None


def load(paths: Paths) -> Config:
    """The validated config. A file whose exact text already passed this schema (its
    fingerprint is in CHECKED_FILE) is not validated again, so the console starts without
    importing pydantic; any edit of the file, or of this module, validates it again."""
    data, text = read_raw(paths.config)
    try:
        if (paths.root / CHECKED_FILE).read_text(encoding="ascii") == _fingerprint(text):
            return _config_of(dict(data))
    except (OSError, UnicodeError):
        pass
    config = from_dict(data, paths.config, text)
    _remember_checked(paths, text)
    return config


CHECKED_FILE = ".config-checked"


def _fingerprint(text: str) -> str:
    return hashlib.sha256(Path(__file__).read_bytes() + b"\0" + text.encode("utf-8")).hexdigest()


def _remember_checked(paths: Paths, text: str) -> None:
    """Best effort (a read-only data dir just validates every time); no fsync: a lost
    fingerprint only costs one more validation."""
    try:
        fd = os.open(paths.root / CHECKED_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, _fingerprint(text).encode("ascii"))
        finally:
            os.close(fd)
    except OSError:
        pass


def from_dict(data: dict, path: Path, text: str = "") -> Config:
    """A Config from a TOML table, or UserError 'path:line: key: problem' for the first problem."""
    from pydantic import ValidationError

    try:
        settings = settings_model().model_validate(data)
    except ValidationError as exc:
        raise UserError(_describe(exc.errors()[0], path, text)) from None
    return _config_of(settings.model_dump())


def _config_of(values: dict) -> Config:
    """A Config from values that passed the schema."""
    values["language"] = values.get("language") or ""
    values["emergency_numbers"] = {
        **DEFAULT_EMERGENCY_NUMBERS,
        **values.get("emergency_numbers", {}),
    }
    values["keymap"] = dict(values.get("keymap", {}))
    return Config(**values)


def _describe(error: ErrorDetails, path: Path, text: str) -> str:
    loc = [str(part) for part in error["loc"]]
    key = ".".join(loc)
    line = line_of(text, loc)
    where = f"{path}:{line}" if line else str(path)
    return _("{where}: {key}: {problem}").format(where=where, key=key, problem=_problem(error, loc))


def _problem(error: ErrorDetails, loc: list[str]) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "extra_forbidden":
        return _("unknown setting (known: {known})").format(known=", ".join(KNOWN_KEYS))
    if kind == "missing":
        return _("is missing")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_type":
        return _('must be text in quotes, e.g. {key} = "{example}"').format(
            key=loc[-1],
            example=error["input"] if isinstance(error["input"], (int, float)) else "...",
        )
    if kind in ("int_type", "int_parsing"):
        return _("must be a whole number")
    if kind == "greater_than_equal":
        return _("must be at least {minimum}").format(minimum=ctx.get("ge"))
    if kind == "less_than_equal":
        return _("must be at most {maximum}").format(maximum=ctx.get("le"))
    if kind == "dict_type":
        return _("must be a table, e.g. [{key}]").format(key=loc[0])
    if kind == "literal_error":
        return _("must be one of {choices} (or left out)").format(choices=", ".join(LANGUAGES))
    if kind in ("string_too_long", "string_too_short"):
        return _("must be 1 to {limit} characters").format(
            limit=ctx.get("max_length", ctx.get("min_length"))
        )
    return _("invalid value ({detail})").format(detail=error["msg"])


def line_of(text: str, loc: list[str]) -> int | None:
    """The line where a (possibly nested) key is set, for error messages."""
    table, wanted_table, wanted_key = "", ".".join(loc[:-1]) if len(loc) > 1 else "", loc[-1]
    top = loc[0]
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", line)
        if header:
            table = header.group(1).strip().strip('"')
            if table == ".".join(loc):
                return number
            continue
        match = re.match(r'"?([^"=\s]+(?:\.[^"=\s]+)*)"?\s*=', line)
        if not match:
            continue
        name = match.group(1)
        if (table == wanted_table and name == wanted_key) or (
            not table and name in (".".join(loc), top)
        ):
            return number
    return None


def configured_language(data_dir) -> str | None:
    """The `language` of a data dir's config.toml, or None (any problem: the locale decides;
    the command that reads the config reports the problem)."""
    from command_console.paths import resolve_paths

    try:
        data, _text = read_raw(resolve_paths(data_dir).config)
    except (UserError, OSError, ValueError):
        return None
    language = data.get("language")
    return language if language in LANGUAGES else None


def settings_with(current: dict, key: str, value: str) -> dict:
    """A copy of the raw settings with KEY (e.g. alarm_repeat_s, emergency_numbers.fire,
    keymap.quick_log) set from the text VALUE; an empty value removes an optional key."""
    parts = key.strip().split(".")
    if parts[0] not in KNOWN_KEYS:
        raise UserError(
            _("unknown setting {key!r} (known: {known})").format(
                key=key, known=", ".join(KNOWN_KEYS)
            )
        )
    nested = parts[0] in ("emergency_numbers", "keymap")
    if nested != (len(parts) == 2) or len(parts) > 2:
        form = _("{key}.NAME").format(key=parts[0]) if nested else parts[0]
        raise UserError(_("setting {key!r}: write it as {form}").format(key=key, form=form))
    updated = {k: (dict(v) if isinstance(v, dict) else v) for k, v in current.items()}
    if nested:
        table = updated.setdefault(parts[0], {})
        if not isinstance(table, dict):
            table = updated[parts[0]] = {}
        if value == "":
            table.pop(parts[1], None)
        else:
            table[parts[1]] = value
        return updated
    if value == "" and parts[0] not in ("console_id", "time_zone", "alarm_repeat_s"):
        updated.pop(parts[0], None)
    elif parts[0] == "alarm_repeat_s":
        updated[parts[0]] = _whole_number(value, parts[0])
    elif parts[0] in ("require_approval", "share_group"):
        updated[parts[0]] = _yes_no(value, parts[0])
    else:
        updated[parts[0]] = value
    return updated


def _yes_no(value: str, key: str) -> bool:
    answer = value.strip().lower()
    if answer not in ("true", "false", "yes", "no", "1", "0"):
        raise UserError(_("{key}: {value!r} is not true or false").format(key=key, value=value))
    return answer in ("true", "yes", "1")


def _whole_number(value: str, key: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise UserError(
            _("{key}: {value!r} is not a whole number").format(key=key, value=value)
        ) from None
    if abs(number) > 10**12:
        raise UserError(_("{key}: {value!r} is far too large").format(key=key, value=value))
    return number
