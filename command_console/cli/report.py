"""CLI commands for the seven-field report and the demo sandbox."""

from __future__ import annotations

from typing import Annotated

import typer

from command_console.cli import VALUES, JsonOpt, State, app, emit_json, guarded, report_app
from command_console.cli.commands import _incident_id, _store
from command_console.core import labels
from command_console.i18n import N_, _


@report_app.command(
    "set",
    context_settings=VALUES,
    help=N_(
        "Set one of the seven fields: site, occurred_at, type, impact, measures, trend, other."
    ),
)
@guarded
def report_set(incident: str, field: str, value: str) -> None:
    from command_console.data import actions

    incident_id = _incident_id(incident)
    key = actions.resolve_field(field)
    if key == "occurred_at" and value.strip():
        from command_console.core.when import as_local_text

        workspace = State.workspace()  # one parser for every time: kept as local 'YYYY-MM-DD HH:MM'
        value = as_local_text(
            value, workspace.clock.now(), workspace.config.zone, field=_("occurred_at")
        )
    changed = actions.set_report_field(_store(), incident_id, key, value)
    message = (
        _("{incident} report {field} set") if changed else _("{incident} report {field} unchanged")
    )
    typer.echo(message.format(incident=incident_id, field=key))


@report_app.command("show", help=N_("The report with every field labelled (English and Chinese)."))
@guarded
def report_show(incident: str, json_: JsonOpt = False) -> None:
    from command_console.core.report import REPORT_FIELDS, problems
    from command_console.data import queries

    report = queries.get_report(_store(), _incident_id(incident))
    if json_:
        emit_json(
            {
                "incident_id": report.incident_id,
                "status": report.status.value,
                "fields": {f.key: report.value(f.key) for f in REPORT_FIELDS},
                "problems": problems(report),
            }
        )
        return
    typer.echo(
        _("Report for {incident} ({status})").format(
            incident=report.incident_id, status=labels.report_status(report.status)
        )
    )
    for n, spec in enumerate(REPORT_FIELDS, 1):
        value = report.value(spec.key) or _("(missing)")
        typer.echo(f"{n}. {spec.label} / {spec.label_zh} [{spec.key}]")
        for line in value.splitlines():
            typer.echo(f"   {line}")


@report_app.command(
    "check",
    help=N_("List missing or invalid fields; exits non-zero while the report is incomplete."),
)
@guarded
def report_check(incident: str) -> None:
    from command_console.core.report import problems
    from command_console.data import queries

    report = queries.get_report(_store(), _incident_id(incident))
    found = problems(report)
    for key, message in found.items():
        typer.echo(f"{key}: {message}")
    if found:
        raise typer.Exit(1)
    typer.echo(
        _("{incident}: all seven fields present ({status})").format(
            incident=report.incident_id, status=labels.report_status(report.status)
        )
    )


@report_app.command(
    "complete", help=N_("Mark the report complete (refused while a field is missing).")
)
@guarded
def report_complete(incident: str) -> None:
    from command_console.data import actions

    incident_id = _incident_id(incident)
    actions.complete_report(_store(), incident_id)
    typer.echo(_("{incident} report complete").format(incident=incident_id))


@app.command("demo", help=N_("Fill a separate sandbox data dir with sample incidents to explore."))
@guarded
def demo(
    run: Annotated[
        bool, typer.Option("--run", help=N_("Start the console on the sandbox."))
    ] = False,
    sandbox: Annotated[
        str | None,
        typer.Option("--sandbox", help=N_("Sandbox folder (default: beside the data dir).")),
    ] = None,
) -> None:
    from pathlib import Path

    from command_console.demo.scenario import fill_sandbox
    from command_console.paths import resolve_paths

    target = (
        Path(sandbox)
        if sandbox
        else resolve_paths(State.data_dir).root.with_name("command-console-demo")
    )
    workspace = fill_sandbox(target)
    typer.echo(_("demo data in {root}").format(root=workspace.paths.root))
    typer.echo(
        _("explore it with: command-console --data-dir {root}").format(root=workspace.paths.root)
    )
    if run:
        from command_console.app import run as run_app

        run_app(workspace)
