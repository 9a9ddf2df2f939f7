"""CLI commands for the end of a shift: `handover`, `export` and `shifts`.

Imports nothing heavy at module level; the store and writers load inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from command_console.cli import JsonOpt, State, app, emit_json, guarded
from command_console.core.errors import UserError
from command_console.i18n import N_, _


def _ask(value: str | None, option: str, prompt: str) -> str:
    """The option's value, else a prompt on a terminal, else one clear error line."""
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UserError(_("{option} is required (no terminal to ask on)").format(option=option))
    return typer.prompt(prompt)


@app.command(
    "handover",
    help=N_(
        "Hand the shift over: summary, note, outgoing signature, incoming acknowledgement.\n\nNon-interactive when --outgoing and --incoming are given; asks for what is missing on a terminal."
    ),
)
@guarded
def handover(
    note: Annotated[
        str | None, typer.Option("--note", help=N_("Free-text handover note for the next lead."))
    ] = None,
    outgoing: Annotated[
        str | None,
        typer.Option(
            "--outgoing", help=N_("Outgoing lead signs with their name (the current shift's lead).")
        ),
    ] = None,
    incoming: Annotated[
        str | None,
        typer.Option(
            "--incoming", help=N_("Incoming lead acknowledges by name; starts their shift.")
        ),
    ] = None,
    show: Annotated[
        bool, typer.Option("--show", help=N_("Print the summary only; write nothing."))
    ] = False,
    json_: JsonOpt = False,
) -> None:
    from command_console.core.handover import summary_lines, summary_to_dict
    from command_console.data import queries, shift

    workspace = State.workspace()
    store = workspace.store
    built = shift.summary(store)
    if json_ and show:
        emit_json(summary_to_dict(built))
        return
    if not json_:
        current = queries.current_shift(store)
        if current:
            typer.echo(_("Shift {shift}, lead {lead}").format(shift=current.id, lead=current.lead))
        for line in summary_lines(built, workspace.config.zone):
            typer.echo(line)
    if show:
        return
    if note is None:
        interactive = sys.stdin.isatty() and (outgoing is None or incoming is None)
        note = (
            typer.prompt(_("Handover note (empty for none)"), default="", show_default=False)
            if interactive
            else ""
        )
    signed = _ask(outgoing, "--outgoing", _("Outgoing lead, sign with your name"))
    taker = _ask(incoming, "--incoming", _("Incoming lead, acknowledge with your name"))
    old_id, new_id = shift.handover(store, outgoing=signed, incoming=taker, note=note)
    workspace.refresh_author()
    if json_:
        emit_json(
            {
                "handed_over": old_id,
                "new_shift": new_id,
                "lead": store.author,
                "summary": summary_to_dict(built),
            }
        )
        return
    typer.echo(
        _("Shift {old} handed over to {lead}; new shift {new}").format(
            old=old_id, lead=store.author, new=new_id
        )
    )


@app.command("shifts", help=N_("Every shift with its lead and times (ids for `export --shift`)."))
@guarded
def shifts(json_: JsonOpt = False) -> None:
    from command_console.core.when import local
    from command_console.data import queries

    workspace = State.workspace()
    found = queries.list_shifts(workspace.store)
    if json_:
        emit_json(
            [
                {
                    "id": s.id,
                    "lead": s.lead,
                    "started_at": s.started_at,
                    "ended_at": s.ended_at,
                    "next_lead": s.next_lead,
                }
                for s in found
            ]
        )
        return
    zone = workspace.config.zone
    for s in found:
        end = local(s.ended_at, zone) if s.ended_at else _("running")
        typer.echo(f"{s.id}  {local(s.started_at, zone)} – {end}  {s.lead}")


@app.command(
    "join-shift",
    help=N_(
        "A deputy console joins another console's current shift: entries here are then that lead's."
    ),
)
@guarded
def join_shift(
    console: Annotated[
        str,
        typer.Argument(
            help=N_("The console whose lead this console now works under (see `shifts`).")
        ),
    ],
) -> None:
    from command_console.data import shift

    store = State.workspace().store
    shift.join_shift(store, console)
    typer.echo(_("this console now works under {lead}").format(lead=store.author))


@app.command(
    "export",
    help=N_(
        "Export a shift report (default: the current shift) as Markdown, HTML, CSV or JSON.\n\nNever replaces an existing file without --force, never writes inside the data dir (except its reports folder)."
    ),
)
@guarded
def export(
    format_: Annotated[
        str, typer.Option("--format", "-f", help=N_("md | html | csv | json"))
    ] = "md",
    shift_id: Annotated[
        str | None,
        typer.Option(
            "--shift", help=N_("Shift id or unique prefix (see `shifts`), or 'previous'.")
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help=N_("Window start: 14:05, '2026-11-22 14:05', '8h ago'.")),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help=N_("Window end (default: now)."))
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            help=N_(
                "File or folder to write (private, 0600), '-' for stdout; default: <data dir>/reports/."
            ),
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=N_("Replace an existing file."))] = False,
    bom: Annotated[
        bool,
        typer.Option("--bom", help=N_("CSV: start with a UTF-8 BOM for spreadsheet programs.")),
    ] = False,
    consoles: Annotated[
        str,
        typer.Option(
            "--consoles",
            help=N_("all: every console's entries in the window; this: only this console's."),
        ),
    ] = "all",
) -> None:
    from command_console.data import exports
    from command_console.paths import export_path, write_private

    fmt = exports.parse_format(format_)
    workspace = State.workspace()
    now = workspace.clock.now()
    window = _window(workspace, now, shift_id, since, until)
    if consoles not in ("all", "this"):
        raise UserError(_("--consoles: {value!r} is not 'all' or 'this'").format(value=consoles))
    scope = workspace.config.console_id if consoles == "this" else None
    record = exports.collect(workspace.store, exports.site_of(workspace.config), window, now, scope)
    if out == "-":
        sys.stdout.buffer.write(exports.render(record, fmt, bom))
        sys.stdout.buffer.flush()
        return
    path = export_path(
        Path(out) if out else None, exports.default_name(record, fmt), workspace.paths, force=force
    )
    data = exports.render(record, fmt, bom)
    try:
        write_private(path, data, replace=force)
    except FileExistsError:
        raise UserError(
            _("--out: {path!r} already exists; add --force to replace it").format(path=str(path))
        ) from None
    typer.echo(_("wrote {path}").format(path=path))


def _window(workspace, now, shift_id, since, until):
    from command_console.core.when import parse_when
    from command_console.data import shift

    zone = workspace.config.zone
    if shift_id and shift_id.strip().lower() in ("previous", "prev"):
        if since or until:
            raise UserError(_("use either --shift or --since/--until, not both"))
        return shift.window_from_text(workspace.store, now, "previous", zone)
    start = parse_when(since, now, zone, field="--since") if since is not None else None
    end = parse_when(until, now, zone, field="--until") if until is not None else None
    return shift.shift_window(workspace.store, now, shift_id=shift_id, since=start, until=end)
