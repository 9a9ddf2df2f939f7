"""A sample shift in a sandbox data dir: incidents at different stages, some overdue."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from command_console.core.clock import Clock
from command_console.core.incidents import EntryKind, Severity, Status, StepState
from command_console.data import actions
from command_console.workspace import Workspace


def fill_sandbox(folder: Path, clock: Clock | None = None) -> Workspace:
    """Recreate folder as a data dir holding the demo roster and sample incidents."""
    if folder.is_dir() and any(folder.iterdir()) and not (folder / ".demo").exists():
        from command_console.core.errors import UserError
        from command_console.i18n import _

        raise UserError(
            _(
                "{folder} is not empty and not a demo sandbox (no .demo marker); "
                "choose another --sandbox"
            ).format(folder=folder)
        )
    if (folder / ".demo").exists():
        shutil.rmtree(folder)
    workspace = Workspace.open(folder, clock)
    (folder / ".demo").write_text("demo sandbox: safe to delete\n")
    add_sample_incidents(workspace)
    return workspace


def add_sample_incidents(workspace: Workspace) -> list[str]:
    """Four sample incidents, their texts in the chosen language (a demo a lead can read)."""
    from command_console.i18n import _

    store, now = workspace.store, workspace.clock.now()

    def opened(plan: str, minutes_ago: int, **kwargs) -> str:
        return actions.open_incident(
            store, workspace.plan(plan), started_at=now - timedelta(minutes=minutes_ago), **kwargs
        )

    power = opened("power-outage", 7, title=_("Power out on floor 3, UPS carrying seats"))
    actions.set_step(
        store, power, actions.resolve_step(store, power, "1"), StepState.DONE, _("Ops on the way")
    )
    actions.log(store, power, _("UPS at 80%, generator starting"))

    system = opened("system-failure", 22, title=_("CRM not loading customer records"))
    actions.set_step(store, system, actions.resolve_step(store, system, "1"), StepState.DONE)
    actions.log(store, system, _("IT confirms database failover in progress"))
    actions.set_report_field(store, system, "site", workspace.config.site or _("Hotline centre"))

    surge = opened(
        "inbound-call-surge",
        34,
        severity=Severity.MAJOR,
        title=_("Call surge after billing SMS 呼入激增"),
    )
    actions.log(store, surge, _("Queue at 140 calls, wait 6 min"))

    fire = opened("fire-alarm", 90, title=_("Smoke alarm, zone B pantry"))
    actions.log(store, fire, _("False alarm: burnt toast. Alarm reset."), EntryKind.NOTE)
    actions.set_step(store, fire, "check-alarm", StepState.DONE)
    actions.set_step(store, fire, "false-alarm-reset", StepState.DONE)
    actions.set_status(store, fire, Status.RESOLVED)
    return [power, system, surge, fire]
