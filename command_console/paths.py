"""Where data lives: --data-dir, else $COMMAND_CONSOLE_HOME, else the user data dir."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "COMMAND_CONSOLE_HOME"


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def database(self) -> Path:
        return self.root / "console.db"

    @property
    def plans(self) -> Path:
        return self.root / "plans"


def resolve_paths(data_dir: str | Path | None = None) -> Paths:
    if data_dir:
        return Paths(Path(data_dir).expanduser().resolve())
    if os.environ.get(ENV_HOME):
        return Paths(Path(os.environ[ENV_HOME]).expanduser().resolve())
    from platformdirs import user_data_dir

    return Paths(Path(user_data_dir("command-console", appauthor=False)))


def ensure_private_dir(path: Path) -> None:
    """Create a directory only its owner can read (the roster is personal data)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def shipped_plans_dir() -> Path:
    """Plans shipped with the package: inside the wheel, or plans/ in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "plans", here.parent / "plans"):
        if candidate.is_dir():
            return candidate
    return here / "plans"


def demo_roster_file() -> Path:
    return Path(__file__).resolve().parent / "demo" / "roster.toml"


def write_private(path: Path, data: bytes) -> None:
    """Write a file atomically (temp, fsync, rename) with mode 0600."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
