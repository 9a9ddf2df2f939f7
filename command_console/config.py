"""config.toml: site, lead, time zone, console id, sync folder, emergency numbers, keymap."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from command_console.core.errors import UserError
from command_console.core.incidents import new_console_id
from command_console.paths import Paths, write_private

DEFAULT_EMERGENCY_NUMBERS = {"fire": "119", "police": "110", "ambulance": "120"}
KNOWN_KEYS = {
    "site_name", "site_location", "time_zone", "lead_name", "console_id", "sync_dir",
    "alarm_repeat_s", "emergency_numbers", "keymap",
}


@dataclass
class Config:
    console_id: str
    site_name: str = "Customer Service Centre"
    site_location: str = ""
    time_zone: str = "UTC"
    lead_name: str = ""
    sync_dir: str = ""
    alarm_repeat_s: int = 60
    emergency_numbers: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_EMERGENCY_NUMBERS))
    keymap: dict[str, str] = field(default_factory=dict)

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
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"


def default_config() -> Config:
    import getpass

    try:
        lead = getpass.getuser()
    except Exception:  # no user name in this environment
        lead = "lead"
    return Config(console_id=new_console_id(), time_zone=_local_zone_name(), lead_name=lead)


def to_toml(config: Config) -> bytes:
    import tomli_w

    header = (
        "# Command Console settings. Edit freely; run `command-console init` to recreate.\n"
        "# keymap: binding id = key, e.g. quick_log = \"ctrl+l\" (see the ? help screen).\n"
    )
    return (header + tomli_w.dumps(asdict(config))).encode()


def save(paths: Paths, config: Config) -> None:
    write_private(paths.config, to_toml(config))


def load(paths: Paths) -> Config:
    path = paths.config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: {exc}") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    return _from_dict(data, path)


def _from_dict(data: dict, path: Path) -> Config:
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise UserError(f"{path}: unknown setting {sorted(unknown)[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})")
    console_id = data.get("console_id", "")
    if not isinstance(console_id, str) or not re.fullmatch(r"[a-z0-9]{2,12}", console_id):
        raise UserError(f"{path}: console_id {console_id!r} must be 2-12 lowercase letters or digits")
    config = Config(console_id=console_id)
    for key, value in data.items():
        expected = type(getattr(config, key))
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            raise UserError(f"{path}: {key} must be a {expected.__name__}")
        setattr(config, key, value)
    config.emergency_numbers = {**DEFAULT_EMERGENCY_NUMBERS, **config.emergency_numbers}
    try:
        config.zone
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"{path}: time_zone {config.time_zone!r} is not a known zone (e.g. Asia/Shanghai)") from None
    return config
