"""The scriptable CLI: the same actions the console offers. Never imports Textual
except inside the command that starts the console."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from command_console.core.errors import StoreError, UserError

app = typer.Typer(add_completion=False, no_args_is_help=False, help="Incident command console for the shift lead.")
plans_app = typer.Typer(help="Emergency plans: list, show, check.", no_args_is_help=True)
contacts_app = typer.Typer(help="The contact roster.", no_args_is_help=True)
incident_app = typer.Typer(help="Open, list and resolve incidents.", no_args_is_help=True)
report_app = typer.Typer(help="The seven-field incident report.", no_args_is_help=True)
app.add_typer(plans_app, name="plans")
app.add_typer(contacts_app, name="contacts")
app.add_typer(incident_app, name="incident")
app.add_typer(report_app, name="report")

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


class State:
    data_dir: Optional[str] = None
    _workspace = None

    @classmethod
    def reset(cls, data_dir: Optional[str]) -> None:
        if cls._workspace is not None:
            cls._workspace.close()
        cls.data_dir, cls._workspace = data_dir, None

    @classmethod
    def workspace(cls):
        if cls._workspace is None:
            from command_console.workspace import Workspace

            cls._workspace = Workspace.open(cls.data_dir)
        return cls._workspace


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def guarded(command):
    """Bad input and unusable stores end as one line on stderr, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (UserError, StoreError) as exc:
            fail(str(exc), exc.exit_code)

    return wrapper


def emit_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    data_dir: Annotated[Optional[str], typer.Option("--data-dir", help="Data directory (default: $COMMAND_CONSOLE_HOME or the user data dir).")] = None,
) -> None:
    State.reset(data_dir)
    if ctx.invoked_subcommand is None:
        run_console()


@guarded
def run_console() -> None:
    from command_console.app import run

    run(State.workspace())


@app.command("run")
def run_command() -> None:
    """Start the console (the default with no command)."""
    run_console()


@app.command()
@guarded
def init(
    sync_dir: Annotated[Optional[str], typer.Option(help="Shared folder for sync.")] = None,
    site_name: Annotated[Optional[str], typer.Option(help="Site name for reports.")] = None,
    site_location: Annotated[Optional[str], typer.Option(help="Site location for reports.")] = None,
    lead_name: Annotated[Optional[str], typer.Option(help="Default shift lead name.")] = None,
    time_zone: Annotated[Optional[str], typer.Option(help="IANA zone, e.g. Asia/Shanghai.")] = None,
) -> None:
    """Create (or update) the data directory, config and database."""
    from command_console.paths import resolve_paths
    from command_console.workspace import Workspace

    workspace = Workspace(resolve_paths(State.data_dir))
    if sync_dir:
        sync_dir = str(Path(sync_dir).expanduser().resolve())
    config = workspace.initialise(sync_dir=sync_dir, site_name=site_name, site_location=site_location,
                                  lead_name=lead_name, time_zone=time_zone)
    from command_console import config as config_io

    config_io.load(workspace.paths)  # validates what was just written
    workspace.close()
    typer.echo(f"data dir {workspace.paths.root} (console {config.console_id})")


def main() -> None:
    app()


# The command modules register themselves on `app` and its sub-apps.
from command_console.cli import commands, report, export, sync  # noqa: E402,F401,I001
