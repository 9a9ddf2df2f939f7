"""Where data lives: --data-dir, else $COMMAND_CONSOLE_HOME, else the user data dir."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "COMMAND_CONSOLE_HOME"
MARKER = ".command-console"  # a data dir carries it; only such a folder is ever written into
# What a data dir made before the marker existed may hold: such a folder is adopted.
_DATA_DIR_NAMES = {
    "config.toml",
    "console.db",
    "console.db-wal",
    "console.db-shm",
    "plans",
    "drafts",
    "reports",
    "sync.lock",
    "console.key",
    ".config-checked",
    "sync-state.json",
    ".demo",
    MARKER,
}


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

    @property
    def marker(self) -> Path:
        return self.root / MARKER

    @property
    def reports(self) -> Path:
        return reports_dir(self)


def reports_dir(paths: Paths) -> Path:
    """Where exports go when no --out is given (the CLI and the export screen agree)."""
    return paths.root / "reports"


def export_path(
    out: Path | None, default_name: str, paths: Paths, *, force: bool = False, option: str = "--out"
) -> Path:
    """Where an export goes: --out (a file, or a folder for the default name), else the
    reports folder. Never an existing file without force, never a file that is not a
    regular file, never inside the data dir except its reports folder."""
    from command_console.core.errors import UserError
    from command_console.i18n import _

    reports = reports_dir(paths)
    if out is None:
        ensure_private_dir(reports)
    target = Path(out).expanduser() if out is not None else reports
    if target.is_dir():
        target = target / default_name
    if not target.parent.is_dir():
        raise UserError(
            _("{option}: folder {folder!r} does not exist").format(
                option=option, folder=str(target.parent)
            )
        )
    resolved = target.resolve()
    if is_inside(resolved, paths.root) and not is_inside(resolved, reports):
        raise UserError(
            _(
                "{option}: {path!r} is inside the data dir; exports go elsewhere or in {reports}"
            ).format(option=option, path=str(target), reports=reports)
        )
    if resolved.exists() or target.is_symlink():
        if not resolved.is_file():
            raise UserError(
                _("{option}: {path!r} is not a regular file").format(
                    option=option, path=str(target)
                )
            )
        if not force:
            raise UserError(
                _("{option}: {path!r} already exists; add --force to replace it").format(
                    option=option, path=str(target)
                )
            )
    return resolved


def is_inside(path: Path, folder: Path) -> bool:
    """Whether path (resolved, symlinks followed) is folder or lies inside it."""
    try:
        Path(path).expanduser().resolve().relative_to(Path(folder).resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def check_data_dir(paths: Paths) -> None:
    """Refuse paths.root unless it is missing, empty, or already ours (the marker, or the
    files of an older data dir). Writes nothing."""
    from command_console.core.errors import StoreError
    from command_console.i18n import _

    root = paths.root
    if root.exists() and not root.is_dir():
        raise StoreError(
            _("{root} is a file, not a data dir; choose another --data-dir").format(root=root)
        )
    if root.is_dir() and not paths.marker.exists():
        names = {p.name for p in root.iterdir()}
        ours = "config.toml" in names and names <= _DATA_DIR_NAMES
        if names and not ours:
            raise StoreError(
                _(
                    "{root} is not empty and not a Command Console data dir (no {marker}); "
                    "refusing to use it: choose an empty or new folder"
                ).format(root=root, marker=MARKER)
            )


def claim_data_dir(paths: Paths) -> None:
    """Make paths.root a data dir (see check_data_dir). A foreign folder is refused and left
    exactly as it was: not chmodded, nothing written."""
    check_data_dir(paths)
    ensure_private_dir(paths.root)
    if not paths.marker.exists():
        write_private(paths.marker, b"Command Console data dir\n")


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


def write_private(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write a file atomically (temp, fsync, rename) with mode 0600. With replace=False an
    existing file is never replaced (FileExistsError), even one created meanwhile. On any
    failure (disk full ...) the temp file is removed and the target is untouched."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
