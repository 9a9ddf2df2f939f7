"""CLI: `peers` — the other consoles this one trusts: keys, fingerprints, refused operations."""

from __future__ import annotations

from typing import Annotated

import typer

from command_console.cli import JsonOpt, State, app, emit_json, fail, guarded
from command_console.core.text import clean
from command_console.i18n import N_, _

peers_app = typer.Typer(
    help=N_("Other consoles: keys pinned on first sight, approve or revoke, refused operations."),
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(peers_app, name="peers")


@peers_app.callback()
@guarded
def peers_list(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """List peers with fingerprints, status, last seen and how many of their operations were refused."""
    if ctx.invoked_subcommand:
        return
    from command_console.data.sync import keys, peers

    workspace = State.workspace()
    store, zone = workspace.store, workspace.config.zone
    found = peers.list_peers(store)
    if json_:
        emit_json(
            [
                {
                    "console_id": p.console_id,
                    "fingerprint": p.fingerprint,
                    "status": p.status,
                    "first_seen": p.first_seen.isoformat() if p.first_seen else None,
                    "last_seen": p.last_seen.isoformat() if p.last_seen else None,
                    "rejected": p.rejected,
                    "key_changed_to": keys.fingerprint(p.key_mismatch) if p.key_mismatch else None,
                }
                for p in found
            ]
        )
        return
    own = store.signer.fingerprint if store.signer else "-"
    typer.echo(
        _("this console {console}  {fingerprint}").format(
            console=clean(store.console_id), fingerprint=own
        )
    )
    if not found:
        typer.echo(_("no other console seen yet"))
    for peer in found:
        seen = peer.last_seen.astimezone(zone).strftime("%Y-%m-%d %H:%M") if peer.last_seen else "-"
        line = _(
            "{console}  {fingerprint}  {status}  last seen {seen}  {rejected} rejected"
        ).format(
            console=clean(peer.console_id),
            fingerprint=peer.fingerprint,
            status=_(peers.STATUS_LABELS.get(peer.status, peer.status)),
            seen=seen,
            rejected=peer.rejected,
        )
        if peer.key_mismatch:
            line += "  " + _("KEY CHANGED to {fingerprint}").format(
                fingerprint=keys.fingerprint(peer.key_mismatch)
            )
        typer.echo(line)


def _set(console: str, status: str) -> None:
    from command_console.data.sync import peers

    store = State.workspace().store
    if not peers.set_status(store, console, status):
        known = ", ".join(p.console_id for p in peers.list_peers(store)) or _("none yet")
        fail(
            _("unknown console {console!r} (known: {known})").format(
                console=clean(console), known=known
            )
        )
    typer.echo(
        _("{console}: {status}").format(
            console=clean(console), status=_(peers.STATUS_LABELS[status])
        )
    )


@peers_app.command(
    "approve",
    help=N_("Accept a console's operations (a new console, or one whose key changed on purpose)."),
)
@guarded
def approve(
    console: Annotated[str, typer.Argument(help=N_("Console id, as `peers` lists it."))],
) -> None:
    _set(console, "approved")


@peers_app.command(
    "revoke", help=N_("Refuse every further operation from a console (what was merged stays).")
)
@guarded
def revoke(
    console: Annotated[str, typer.Argument(help=N_("Console id, as `peers` lists it."))],
) -> None:
    _set(console, "revoked")
