"""CLI commands for the plan library (plans list, check, show) and the roster (contacts
import, list)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from command_console.cli import (
    JsonOpt,
    State,
    contacts_app,
    emit_json,
    guarded,
    plans_app,
)
from command_console.cli.commands import _store
from command_console.core import labels
from command_console.core.text import at_least, pad
from command_console.i18n import N_, _

# -- plans -------------------------------------------------------------------


@plans_app.command("list", help=N_("Every usable plan (shipped, plus the user's plans folder)."))
@guarded
def plans_list(json_: JsonOpt = False) -> None:
    from command_console.core.plans import format_duration

    library = State.workspace().plans
    plans = library.sorted()
    if json_:
        emit_json(
            [
                {
                    "id": p.id,
                    "title": p.title,
                    "title_zh": p.title_zh,
                    "category": p.category,
                    "severity": p.severity.value,
                    "steps": len(p.steps),
                    "path": p.path,
                }
                for p in plans
            ]
        )
        return
    for p in plans:
        timed = ", ".join(format_duration(s.deadline_s) for s in p.steps if s.deadline_s)
        typer.echo(
            f"{pad(p.id, 28)} {pad(labels.severity(p.severity), 9)} {pad(p.title + ' ' + p.title_zh, 40)} {timed}"
        )
    for problem in library.problems:
        typer.echo(_("skipped: {problem}").format(problem=problem), err=True)


@plans_app.command(
    "check", help=N_("Report every problem in every plan file as path:line:col: message.")
)
def plans_check(
    paths: Annotated[
        list[Path] | None, typer.Argument(help=N_("Files or folders (default: all plan folders)."))
    ] = None,
) -> None:
    from command_console.data.plan_files import check_file, plan_files
    from command_console.paths import shipped_plans_dir

    targets = paths or [shipped_plans_dir(), State.workspace().paths.plans]
    missing = [p for p in targets if not p.exists()]
    for path in missing:
        typer.echo(_("{path}:1:1: no such file or folder").format(path=path), err=True)
    files = plan_files([p for p in targets if p.exists()])
    problems = [problem for f in files for problem in check_file(f)[1]]
    for problem in problems:
        typer.echo(str(problem), err=True)
    typer.echo(
        _("{files} files checked, {problems} problems").format(
            files=len(files), problems=len(problems) + len(missing)
        )
    )
    if problems or missing:
        raise typer.Exit(1)


@plans_app.command("show", help=N_("One plan's steps with deadlines and contact roles."))
@guarded
def plans_show(plan: str, json_: JsonOpt = False) -> None:
    from command_console.core.plan_upward import upward_json, upward_lines
    from command_console.core.plans import format_duration, step_marks
    from command_console.data.actions import plan_snapshot
    from command_console.i18n import current_language

    found = State.workspace().plan(plan)
    if json_:
        emit_json(
            {
                **plan_snapshot(found),
                "severity": found.severity.value,
                "title_zh": found.title_zh,
                "summary": found.summary,
                "source": found.source,
                "upward": upward_json(found.upward),
            }
        )
        return
    language = current_language()
    typer.echo(
        _("{title} {title_zh}  [{id}]  default severity {severity}").format(
            title=found.title,
            title_zh=found.title_zh,
            id=found.id,
            severity=labels.severity(found.severity),
        )
    )
    if found.summary_in(language):
        typer.echo(found.summary_in(language))
    for n, step in enumerate(found.steps, 1):
        due = (
            _("by +{duration}").format(duration=format_duration(step.deadline_s))
            if step.deadline_s
            else ""
        )
        role = f"-> {step.contact_role}" if step.contact_role else ""
        flag = ", ".join(step_marks(step))
        typer.echo(
            f"{n:>2}. {pad(step.text_in(language), 70)} {pad(due, 9)} {pad(role, 18)} {flag}".rstrip()
        )
    for line in upward_lines(found.upward, language):  # the plan's [[upward]] duties
        typer.echo(line)


# -- contacts ----------------------------------------------------------------


@contacts_app.command(
    "import",
    help=N_("Add or update contacts from a CSV (name,roles,phones,notes,on_duty) or TOML roster."),
)
@guarded
def contacts_import(file: Path) -> None:
    from command_console.data import actions
    from command_console.data.contacts_io import read_roster

    contacts = read_roster(_roster_file(file))
    written = actions.upsert_contacts(_store(), contacts)
    typer.echo(
        _("{read} contacts read, {written} added or changed").format(
            read=len(contacts), written=len(written)
        )
    )


ROSTER_LIMIT = 10_000_000  # bytes; a roster of thousands of people is well under 1 MB


def _roster_file(file: Path) -> Path:
    """Only a regular file of sane size: a FIFO or /dev/zero would hang the import."""
    from command_console.core.errors import UserError

    try:
        info = file.stat()
    except OSError as exc:
        raise UserError(
            _("{path}: cannot read ({reason})").format(path=file, reason=exc.strerror)
        ) from None
    if not file.is_file():
        raise UserError(
            _("{path}: not a regular file; give a .csv or .toml roster").format(path=file)
        )
    if info.st_size > ROSTER_LIMIT:
        raise UserError(
            _("{path}: {size} bytes is too large for a roster (limit {limit})").format(
                path=file, size=info.st_size, limit=ROSTER_LIMIT
            )
        )
    return file


@contacts_app.command("list", help=N_("The roster and the external emergency numbers."))
@guarded
def contacts_list(
    role: Annotated[
        str | None, typer.Option(help=N_("Only this role, first contact first."))
    ] = None,
    json_: JsonOpt = False,
) -> None:
    from command_console.core.contacts import contacts_for_role
    from command_console.data import queries

    if role is not None:
        from command_console.core.contacts import ROLES
        from command_console.core.matching import resolve

        role = resolve(role, ROLES, _("role"))
    contacts = queries.list_contacts(_store())
    if role:
        contacts = contacts_for_role(contacts, role)
    numbers = State.workspace().config.emergency_numbers
    if json_:
        emit_json(
            {
                "contacts": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "roles": c.roles,
                        "phones": list(c.phones),
                        "notes": c.notes,
                        "on_duty": c.on_duty,
                    }
                    for c in contacts
                ],
                "emergency_numbers": numbers,
            }
        )
        return
    for c in contacts:
        roles = ", ".join(f"{r}:{n}" for r, n in sorted(c.roles.items()))
        duty = "" if c.on_duty else _("(off duty)")
        # Numbers and roles are never cut (a third number, a second role): a longer value
        # pushes the next column along instead.
        typer.echo(
            f"{pad(c.name, 24)} {at_least(' / '.join(c.phones), 36)} {at_least(roles, 30)} {duty}".rstrip()
        )
    services = "  ".join(f"{labels.emergency_service(k)} {v}" for k, v in numbers.items())
    typer.echo(_("emergency: {numbers}").format(numbers=services))
