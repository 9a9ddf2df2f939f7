"""CLI: `hub init` and `hub grant` — set up a PostgreSQL hub (run by its administrator)."""

from __future__ import annotations

from typing import Annotated

import typer

from command_console.cli import app, fail, guarded
from command_console.i18n import N_, _

hub_app = typer.Typer(
    help=N_("The PostgreSQL hub: create its schema, let a database role publish."),
    no_args_is_help=True,
)
app.add_typer(hub_app, name="hub")

UrlArg = Annotated[
    str,
    typer.Argument(
        help=N_(
            "postgresql://role@host[:port][,host2[:port2]]/db (password from PGPASSWORD or ~/.pgpass)"
        )
    ),
]


def _checked(url: str) -> str:
    from command_console.data.sync.hub import url_problem

    why = url_problem(url)
    if why:
        fail(_("URL: {why}").format(why=why))
    return url


@hub_app.command(
    "init",
    help=N_(
        "Create or migrate the hub schema (idempotent). Needs a role that may create schemas and roles."
    ),
)
@guarded
def hub_init(url: UrlArg) -> None:
    from command_console.data.sync.hub import HubError
    from command_console.data.sync.hub_admin import hub_init as run_init

    try:
        typer.echo(run_init(_checked(url)))
    except HubError as exc:
        fail(_("hub: {why}").format(why=exc), code=4)


@hub_app.command(
    "grant",
    help=N_("Let a database role publish the operations of these consoles (and read everything)."),
)
@guarded
def hub_grant(
    url: UrlArg,
    role: Annotated[str, typer.Argument(help=N_("An existing login role of the hub."))],
    consoles: Annotated[
        list[str],
        typer.Argument(
            help=N_("Console ids this role may publish ('*': any console, for a bridge).")
        ),
    ],
) -> None:
    from command_console.data.sync.hub import HubError
    from command_console.data.sync.hub_admin import hub_grant as run_grant
    from command_console.data.sync.segments import CONSOLE_DIR_RE

    bad = [c for c in consoles if c != "*" and not CONSOLE_DIR_RE.match(c)]
    if bad:
        fail(
            _("{value!r} is not a console id (2-12 lower-case letters and digits)").format(
                value=bad[0]
            )
        )
    try:
        typer.echo(run_grant(_checked(url), role, consoles))
    except HubError as exc:
        fail(_("hub: {why}").format(why=exc), code=4)
