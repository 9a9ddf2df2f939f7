"""Shift report exports: Markdown, HTML, CSV and JSON, written atomically and privately.

record = collect(store, site_of(config), window, now)
path = write(record, "md", Path("shift.md"))
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from command_console.core.errors import UserError

# re-exported (X as X): callers build a record through this package
from command_console.data.exports.record import ShiftRecord as ShiftRecord
from command_console.data.exports.record import collect as collect
from command_console.data.exports.record import site_of as site_of
from command_console.i18n import _

FORMATS = ("md", "html", "csv", "json")
EXTENSIONS = {"md": ".md", "html": ".html", "csv": ".csv", "json": ".json"}
ALIASES = {"markdown": "md", "htm": "html"}


def parse_format(value: str) -> str:
    fmt = ALIASES.get(value.strip().lower(), value.strip().lower())
    if fmt not in FORMATS:
        raise UserError(
            _("format {value!r} is not one of {formats}").format(
                value=value, formats=", ".join(FORMATS)
            )
        )
    return fmt


def render(record: ShiftRecord, fmt: str, bom: bool = False) -> bytes:
    """The export as bytes (UTF-8). bom only applies to CSV."""
    fmt = parse_format(fmt)
    text: Callable[[ShiftRecord], str]  # each writer imported only when asked for
    if fmt == "md":
        from command_console.data.exports.markdown import render as text
    elif fmt == "html":
        from command_console.data.exports.html import render as text
    elif fmt == "json":
        from command_console.data.exports.json_export import render as text
    else:
        from command_console.data.exports import csv_export

        return csv_export.render(record, bom=bom).encode("utf-8")
    return text(record).encode("utf-8")


def default_name(record: ShiftRecord, fmt: str) -> str:
    start = record.window.since.astimezone(record.zone).strftime("%Y%m%d-%H%M")
    return f"shift-{record.site.console_id}-{start}{EXTENSIONS[parse_format(fmt)]}"


def write(record: ShiftRecord, fmt: str, path: Path, bom: bool = False) -> Path:
    """Write atomically with mode 0600 (the report holds personal data). Returns the path.

    A directory as path gets the default file name inside it.
    """
    from command_console.paths import write_private

    path = Path(path).expanduser()
    if path.is_dir():
        path = path / default_name(record, fmt)
    if not path.parent.is_dir():
        raise UserError(
            _("--out: folder {folder!r} does not exist").format(folder=str(path.parent))
        )
    data = render(record, fmt, bom)
    try:
        write_private(path, data)
    except OSError as exc:
        raise UserError(
            _("--out: cannot write {path!r} ({reason})").format(path=str(path), reason=exc.strerror)
        ) from None
    return path
