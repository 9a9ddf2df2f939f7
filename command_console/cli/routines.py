"""CLI commands for the shift routines (daily summary, floor patrol)."""

from __future__ import annotations

from typing import Annotated

import typer

from command_console.cli import VALUES, JsonOpt, State, app, emit_json, guarded
from command_console.cli.commands import _local, _store
from command_console.core.text import pad
from command_console.i18n import N_, _

routines_app = typer.Typer(
    help=N_("Recurring shift duties (daily summary, floor patrol)."), no_args_is_help=True
)
app.add_typer(routines_app, name="routines")


def routine_states():
    from command_console.core.duties import routine_states as states
    from command_console.data import duties_config, queries, queries_duties

    workspace = State.workspace()
    _rule, routines = duties_config.load(workspace.paths.root)
    store, now = workspace.store, workspace.clock.now()
    shift = queries.current_shift(store)
    since = shift.started_at if shift else now
    done = queries_duties.routine_done_times(store, store.console_id)
    return routines, states(routines, done, since, now, workspace.config.zone), now


@routines_app.command(
    "list",
    help=N_(
        "The shift routines with when each is next due (from duties.toml, else the seeds' defaults)."
    ),
)
@guarded
def routines_list(json_: JsonOpt = False) -> None:
    from command_console.core.timers import format_countdown
    from command_console.i18n import current_language

    _routines, states, now = routine_states()
    if json_:
        emit_json(
            [
                {
                    "id": s.routine.id,
                    "title": s.routine.title,
                    "title_zh": s.routine.title_zh,
                    "every_s": s.routine.every_s,
                    "at": s.routine.at.strftime("%H:%M") if s.routine.at else None,
                    "due_at": s.due_at,
                    "last_done": s.last_done,
                    "overdue": s.overdue(now),
                }
                for s in states
            ]
        )
        return
    for s in states:
        left = s.seconds_left(now)
        state = (_("OVERDUE {countdown}") if left <= 0 else _("due in {countdown}")).format(
            countdown=format_countdown(left)
        )
        last = (
            _("last {time}").format(time=_local(s.last_done, "%H:%M"))
            if s.last_done
            else _("not done yet")
        )
        typer.echo(
            f"{pad(s.routine.id, 16)} {pad(state, 20)} {pad(last, 14)} {s.routine.title_in(current_language())}"
        )


@routines_app.command(
    "done",
    context_settings=VALUES,
    help=N_("Log a routine as done now (its next due time counts from now)."),
)
@guarded
def routines_done(
    routine: str,
    note: Annotated[
        str, typer.Option("--note", help=N_("e.g. sent to whom, what was found."))
    ] = "",
) -> None:
    from command_console.core.matching import resolve
    from command_console.data import actions_duties

    routines, _states, _now = routine_states()
    by_id = {r.id: r for r in routines}
    found = by_id[resolve(routine, list(by_id), _("routine"))]
    actions_duties.routine_done(_store(), found, note)
    typer.echo(_("{routine} done").format(routine=found.id))


@routines_app.command(
    "summary",
    help=N_(
        "The daily summary from the log: an export of today (local midnight to now). Mark it sent with `routines done daily-summary --note 'to whom'`."
    ),
)
@guarded
def routines_summary(
    format_: Annotated[
        str, typer.Option("--format", "-f", help=N_("md | html | csv | json"))
    ] = "md",
    out: Annotated[
        str | None,
        typer.Option(
            "--out", "-o", help=N_("File or folder, '-' for stdout (default: <data dir>/reports/).")
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=N_("Replace an existing file."))] = False,
) -> None:
    from command_console.cli.export import export

    export(
        format_=format_,
        shift_id=None,
        since="00:00",
        until=None,
        out=out,
        force=force,
        bom=False,
        consoles="all",
    )
