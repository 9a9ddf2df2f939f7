"""The shift timeline as CSV: one row per timeline entry.

Every cell is cleaned of control characters. A cell a spreadsheet could run as a formula
gets a leading single quote (OWASP CSV injection): one starting with = + - @ (or their
full-width forms ＝ ＋ － ＠), tab, CR or NUL, also after leading spaces, no-break spaces
or ideographic spaces (U+3000), which spreadsheets skip before reading a formula.
UTF-8, optionally with a BOM so spreadsheet programs show Chinese text correctly.
Headers and the severity and kind words are in the chosen language.
"""

from __future__ import annotations

import csv
import io

from command_console.core import labels
from command_console.data.exports import amended
from command_console.data.exports.record import ShiftRecord, safe
from command_console.i18n import _, pgettext

COLUMNS = (
    "at_utc",
    "at_local",
    "incident_id",
    "incident_title",
    "severity",
    "kind",
    "author",
    "console_id",
    "text",
    "entry_id",
)
_FORMULA_START = frozenset("=+-@\t\r\n\0＝＋－＠")
# Spaces a spreadsheet may skip before reading a formula: ASCII, no-break, ideographic, and the other Zs.
_SKIPPED = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
BOM = "\ufeff"


def header() -> tuple[str, ...]:
    """The column names in the chosen language (in English: at_utc, at_local, ...)."""
    return (
        pgettext("csv column", "at_utc"),
        pgettext("csv column", "at_local"),
        pgettext("csv column", "incident_id"),
        pgettext("csv column", "incident_title"),
        pgettext("csv column", "severity"),
        pgettext("csv column", "kind"),
        pgettext("csv column", "author"),
        pgettext("csv column", "console_id"),
        pgettext("csv column", "text"),
        pgettext("csv column", "entry_id"),
    )


def neutralise(cell: str) -> str:
    stripped = cell.lstrip(_SKIPPED)
    return "'" + cell if stripped[:1] in _FORMULA_START and stripped else cell


def render(record: ShiftRecord, bom: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header())
    incidents = {i.id: i for i in record.incidents}
    zone = record.zone
    for e in record.entries:
        incident = incidents.get(e.incident_id)
        row = (
            e.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            e.incident_id,
            (_drill(record, e.incident_id) + incident.title) if incident else "",
            labels.severity(incident.severity) if incident else "",
            labels.entry_kind(e.kind),
            e.author,
            e.console_id,
            # a corrected entry keeps its original text beside the correction
            amended.plain(e, zone),
            e.id,
        )
        writer.writerow([neutralise(safe(cell)) for cell in row])
    return (BOM if bom else "") + buffer.getvalue()


def _drill(record: ShiftRecord, incident_id: str) -> str:
    """Drills are marked in the title column, so no spreadsheet sum takes one for a real incident."""
    return "[" + _("DRILL") + "] " if record.is_drill(incident_id) else ""
