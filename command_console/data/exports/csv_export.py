"""The shift timeline as CSV: one row per timeline entry.

Cells that a spreadsheet would run as a formula (starting with = + - @, tab, CR or NUL)
get a leading single quote (OWASP CSV injection). UTF-8, optionally with a BOM so
spreadsheet programs show Chinese text correctly.
"""

from __future__ import annotations

import csv
import io

from command_console.data.exports.record import ShiftRecord, safe

HEADER = ("at_utc", "at_local", "incident_id", "incident_title", "severity", "kind", "author", "console_id",
          "text", "entry_id")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\0")
BOM = "\ufeff"


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(_DANGEROUS) else cell


def render(record: ShiftRecord, bom: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    incidents = {i.id: i for i in record.incidents}
    zone = record.zone
    for e in record.entries:
        incident = incidents.get(e.incident_id)
        row = (e.at.strftime("%Y-%m-%dT%H:%M:%SZ"), e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
               e.incident_id, incident.title if incident else "", incident.severity.value if incident else "",
               e.kind.value, e.author, e.console_id, e.text, e.id)
        writer.writerow([neutralise(safe(cell)) for cell in row])
    return (BOM if bom else "") + buffer.getvalue()
