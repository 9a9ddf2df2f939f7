"""The scriptable CLI: the same actions the console offers. Never imports Textual
except inside the command that starts the console."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated

import typer

from command_console.cli.failures import ConsoleGroup, describe, say_error
from command_console.core.errors import StoreError, UserError, WriteError
from command_console.i18n import N_, _, set_language

app = typer.Typer(
    cls=ConsoleGroup,
    add_completion=False,
    no_args_is_help=False,
    help=N_("Incident command console for the shift lead."),
)
plans_app = typer.Typer(help=N_("Emergency plans: list, show, check."), no_args_is_help=True)
contacts_app = typer.Typer(help=N_("The contact roster."), no_args_is_help=True)
incident_app = typer.Typer(help=N_("Open, list and resolve incidents."), no_args_is_help=True)
report_app = typer.Typer(help=N_("The seven-field incident report."), no_args_is_help=True)
app.add_typer(plans_app, name="plans")
app.add_typer(contacts_app, name="contacts")
app.add_typer(incident_app, name="incident")
app.add_typer(report_app, name="report")

JsonOpt = Annotated[bool, typer.Option("--json", help=N_("Machine-readable output."))]
# For commands whose values may start with '-' (a step '-1', a time '-1h', a log line '-- x'):
# an unknown option-like word is taken as the value it stands in for.
VALUES = {"ignore_unknown_options": True}


class State:
    data_dir: str | None = None
    lang: str | None = None
    _workspace = None

    @classmethod
    def reset(cls, data_dir: str | None, lang: str | None = None) -> None:
        if cls._workspace is not None:
            cls._workspace.close()
        cls.data_dir, cls.lang, cls._workspace = data_dir, lang, None

    @classmethod
    def workspace(cls):
        if cls._workspace is None:
            from command_console.workspace import Workspace

            cls._workspace = Workspace.open(cls.data_dir)
        return cls._workspace


def fail(message: str, code: int = 2) -> None:
    say_error(message)
    raise typer.Exit(code)


def guarded(command):
    """Bad input and unusable stores end as one line on stderr, never a traceback.
    (The root group does the same for every command; this keeps the exit explicit.)"""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (UserError, StoreError, WriteError) as exc:
            fail(*describe(exc))

    return wrapper


def choose_language() -> str:
    """--lang, else config.toml's `language`, else the locale. A config that cannot be
    read yet leaves the choice to the locale (the command itself reports the problem)."""
    from command_console.i18n import normalize

    if State.lang is not None:
        if normalize(State.lang) is None:
            raise UserError(_("--lang {value!r} is not one of zh-CN, en").format(value=State.lang))
        return set_language(State.lang)
    from command_console.config import configured_language

    return set_language(configured_language(State.data_dir))


def emit_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        str | None,
        typer.Option(
            "--data-dir",
            help=N_("Data directory (default: $COMMAND_CONSOLE_HOME or the user data dir)."),
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=N_("Language: zh-CN or en (default: config.toml's language, else the locale)."),
        ),
    ] = None,
) -> None:
    State.reset(data_dir, lang)
    choose_language()
    if ctx.invoked_subcommand is None:
        run_console()


@guarded
def run_console() -> None:
    from command_console.app import run

    workspace = State.workspace()
    set_language(State.lang or workspace.config.language)
    run(workspace)


@app.command("run", help=N_("Start the console (the default with no command)."))
def run_command() -> None:
    run_console()


@app.command(
    help=N_(
        "Create (or update) the data directory, config and database. Settings are checked as a whole first: a bad value writes nothing (and init with good values repairs a bad file)."
    )
)
@guarded
def init(
    sync_dir: Annotated[str | None, typer.Option(help=N_("Shared folder for sync."))] = None,
    sync_url: Annotated[
        str | None,
        typer.Option(
            help=N_(
                "PostgreSQL hub for sync (postgresql://role@host/db; password from PGPASSWORD or ~/.pgpass)."
            )
        ),
    ] = None,
    site_name: Annotated[str | None, typer.Option(help=N_("Site name for reports."))] = None,
    site_location: Annotated[
        str | None, typer.Option(help=N_("Site location for reports."))
    ] = None,
    lead_name: Annotated[str | None, typer.Option(help=N_("Default shift lead name."))] = None,
    time_zone: Annotated[
        str | None, typer.Option(help=N_("IANA zone, e.g. Asia/Shanghai."))
    ] = None,
    language: Annotated[
        str | None, typer.Option(help=N_("zh-CN or en (default: the locale)."))
    ] = None,
) -> None:
    from command_console.paths import resolve_paths
    from command_console.workspace import Workspace

    workspace = Workspace(resolve_paths(State.data_dir))
    if sync_dir:
        share = Path(sync_dir).expanduser().resolve()
        if not share.is_dir():
            raise UserError(
                _(
                    "--sync-dir: folder {folder!r} does not exist; mount or create the share first "
                    "(an empty value turns sync off)"
                ).format(folder=str(share))
            )
        sync_dir = str(share)
    config = workspace.initialise(
        sync_dir=sync_dir,
        sync_url=sync_url,
        site_name=site_name,
        site_location=site_location,
        lead_name=lead_name,
        time_zone=time_zone,
        language=language,
    )
    workspace.close()
    typer.echo(
        _("data dir {root} (console {console_id})").format(
            root=workspace.paths.root, console_id=config.console_id
        )
    )


def main() -> None:
    app()


# The command modules register themselves on `app` and its sub-apps.
from command_console.cli import commands, report, export, sync, settings  # noqa: E402,F401,I001
from command_console.cli import peers, duties, review, routines, hub  # noqa: E402, F401
from command_console.cli import library  # noqa: E402, F401
from command_console.cli import board  # noqa: E402, F401
