"""`command-console board`: every console and site at once, read-only. The board screen,
or with --once the same board printed once as plain text (for SSH and cron)."""

from __future__ import annotations

import shutil
from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from command_console.cli import State, app, guarded
from command_console.core import labels
from command_console.core.text import cell_width, clean, pad
from command_console.core.timers import format_age
from command_console.core.when import local
from command_console.i18n import N_, _, ngettext, set_language

if TYPE_CHECKING:  # the CLI starts without loading the board's queries
    from command_console.data.board import Board, BoardIncident, SiteSummary

MIN_WIDTH, MAX_WIDTH = 60, 200
COLUMNS = (  # key, header, cells
    ("sev", N_("Severity"), 10),
    ("late", N_("Late"), 9),
    ("steps", N_("Steps"), 6),
    ("reports", N_("Reports"), 8),
    ("age", N_("Age"), 7),
)


@app.command(
    help=N_(
        "Every console and site at once, read-only: open incidents by site and severity, late steps and upward reports, who is on shift where (keys: arrows or j/k, Enter, r, q, ?)."
    )
)
@guarded
def board(
    once: Annotated[
        bool, typer.Option("--once", help=N_("Print the board once as plain text and exit."))
    ] = False,
    sync: Annotated[
        bool,
        typer.Option("--sync", help=N_("With --once: sync once with the share first.")),
    ] = False,
) -> None:
    workspace = State.workspace()
    set_language(State.lang or workspace.config.language)
    if not once:
        from command_console.screens.board import BoardApp

        BoardApp(workspace).run()
        return
    if sync:
        from command_console.cli.commands import _sync_first

        _sync_first(True)
    from command_console.data.board import read_board

    now = workspace.clock.now()
    width = max(MIN_WIDTH, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns))
    for line in board_lines(read_board(workspace.store, now), workspace.config.zone, width):
        typer.echo(line)


def board_lines(board: Board, zone: ZoneInfo, width: int) -> list[str]:
    """The board as lines of at most `width` cells, every text cleaned."""
    lines = [
        fit(
            " · ".join(
                (
                    _("Board"),
                    f"{local(board.at, zone, '%Y-%m-%d %H:%M:%S')} ({zone.key})",
                    ngettext("{n} site", "{n} sites", len(board.sites)).format(n=len(board.sites)),
                    ngettext(
                        "{n} open incident", "{n} open incidents", len(board.incidents)
                    ).format(n=len(board.incidents)),
                )
            ),
            width,
        )
    ]
    if not board.sites:
        lines.append(_("No console has a shift running or an open incident here yet"))
    for site in board.sites:
        lines += ["", fit(clean(site.site), width)]
        lines.append(fit("  " + _("on shift: {leads}").format(leads=leads(site, zone)), width))
        lines.append(fit("  " + _("open: {counts}").format(counts=counts(site)), width))
        items = [b for b in board.incidents if b.site == site.site]
        if items:
            lines.append(fit("  " + row([_(h) for _k, h, _w in COLUMNS], _("Incident")), width))
        for item in items:
            lines.append(fit("  " + incident_row(item, board.at), width))
    return lines


def leads(site: SiteSummary, zone: ZoneInfo) -> str:
    if not site.on_shift:
        return _("nobody on shift")
    return " · ".join(
        clean(s.lead)
        + " "
        + _("({console}, since {time})").format(
            console=clean(s.console_id),
            time=local(s.started_at, zone, "%H:%M") if s.started_at else "--:--",
        )
        for s in site.on_shift
    )


def counts(site: SiteSummary) -> str:
    parts = [f"{labels.severity(sev)} {n}" for sev, n in site.open_by_severity] or [
        _("no open incident")
    ]
    if site.late_steps:
        parts.append(
            ngettext("{n} step late", "{n} steps late", site.late_steps).format(n=site.late_steps)
        )
    if site.late_reports:
        parts.append(
            ngettext("{n} upward report late", "{n} upward reports late", site.late_reports).format(
                n=site.late_reports
            )
        )
    if site.drills:
        parts.append(ngettext("{n} drill", "{n} drills", site.drills).format(n=site.drills))
    return " · ".join(parts)


def incident_row(item: BoardIncident, now: datetime) -> str:
    from command_console.data.board import late_label

    incident = item.incident
    drill = "[" + _("DRILL") + "] " if incident.drill else ""
    values = [
        labels.severity(incident.severity),
        late_label(item.late_s),
        str(len(item.late_steps) or ""),
        str(len(item.late_reports) or ""),
        format_age(incident.started_at, now),
    ]
    return row(values, f"{clean(incident.id)} {drill}{clean(incident.title)}")


def row(values: list[str], last: str) -> str:
    return "".join(pad(v, w) for v, (_k, _h, w) in zip(values, COLUMNS, strict=True)) + last


def fit(line: str, width: int) -> str:
    """Cut to width cells (wide characters count two); trailing blanks dropped."""
    return (pad(line, width) if cell_width(line) > width else line).rstrip()
