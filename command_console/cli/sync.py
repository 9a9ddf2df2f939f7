"""CLI: `sync` (once or --watch) and `verify`. Heavy imports stay inside the commands."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from command_console.cli import JsonOpt, State, app, emit_json, fail, guarded
from command_console.i18n import N_, _, ngettext


def _syncer():
    from command_console.data.sync import Syncer

    workspace = State.workspace()
    if not workspace.config.sync_dir and not workspace.config.sync_url:
        fail(
            _(
                "sync is off: set a shared folder with `command-console init --sync-dir DIR` "
                "or a hub with `--sync-url postgresql://...`"
            )
        )
    return Syncer(workspace)


@app.command(
    "sync",
    help=N_("Publish this console's operations to the shared folder and apply everyone else's."),
)
@guarded
def sync(
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", help=N_("Keep syncing: on each local change and every --interval seconds.")
        ),
    ] = False,
    interval: Annotated[float, typer.Option(help=N_("Seconds between passes with --watch."))] = 1.0,
    republish: Annotated[
        bool,
        typer.Option(
            "--republish",
            help=N_("Write everything to the share again (after it was emptied or replaced)."),
        ),
    ] = False,
    new_identity: Annotated[
        bool,
        typer.Option(
            "--new-identity",
            help=N_(
                "On a copied data directory: take a new console id and key and re-issue this copy's operations under it (close the console on this data directory first)."
            ),
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    syncer = _syncer()
    if republish:
        syncer.republish()
    if new_identity:
        syncer = _new_identity(syncer, to_stderr=json_)
    if watch:
        _watch(syncer, max(0.1, interval))
        return
    result = syncer.sync_once(wait=True)
    syncer.close()
    known = syncer.known_problems()
    if json_:
        emit_json(
            {
                "published": result.published,
                "applied": result.applied,
                "unpublished": result.unpublished,
                "share_ok": result.share_ok,
                "share_state": result.share_state,
                "problems": result.problems,
                "bad_files": known,
                "duplicate_console": result.duplicate_console,
                "skew": result.skew,
                "rejected": result.rejected,
                "rejected_total": result.rejected_total,
                "held": result.held,
                "unreadable": result.unreadable,
                "hub_state": result.hub_state,
                "hub_unpublished": result.hub_unpublished,
            }
        )
    else:
        for line in result.problems + [p for p in known if p not in result.problems]:
            typer.echo(_("sync: {line}").format(line=line), err=True)
        for warning in (result.duplicate_console, result.skew):
            if warning:
                typer.echo(_("warning: {warning}").format(warning=warning), err=True)
        typer.echo(
            _("published {published}, applied {applied} · {value}").format(
                published=result.published, applied=result.applied, value=syncer.status_text()
            )
        )
    if (
        not result.share_ok
        or not result.hub_ok
        or result.duplicate_console
        or result.rejected
        or result.unreadable
    ):
        raise typer.Exit(1)


def _new_identity(syncer, to_stderr: bool):
    """Give this data directory a new console id; returns a syncer for the new id. The line
    goes to stderr with --json, so stdout stays one JSON document."""
    from command_console.data.sync import Syncer
    from command_console.data.sync.identity import new_identity

    done = new_identity(syncer)
    if done.finished_only:
        typer.echo(
            _("console id {old} is now {new} (an interrupted change was finished)").format(
                old=done.old, new=done.new
            ),
            err=to_stderr,
        )
    else:
        typer.echo(
            ngettext(
                "console id {old} is now {new}: {count} operation re-issued under it; the old key is kept as "
                "console.key.{old}. Other consoles apply it once and drop the duplicate warning after their next syncs",
                "console id {old} is now {new}: {count} operations re-issued under it; the old key is kept as "
                "console.key.{old}. Other consoles apply them once and drop the duplicate warning after their next syncs",
                done.reissued,
            ).format(old=done.old, new=done.new, count=done.reissued),
            err=to_stderr,
        )
    return Syncer(syncer.workspace)


def _watch(syncer, interval: float) -> None:
    """A pass at once when this console wrote, soon after another console published
    (data/sync/pacing.py), and at least every `interval` seconds."""
    last_line = ""
    try:
        while True:
            if syncer.due(interval):
                result = syncer.sync_once(paced=True)
                for line in result.problems:
                    typer.echo(_("sync: {line}").format(line=line), err=True)
                line = syncer.status_text()
                if line != last_line or result.published or result.applied:
                    typer.echo(
                        _("{line} (published {published}, applied {applied})").format(
                            line=line, published=result.published, applied=result.applied
                        )
                    )
                    sys.stdout.flush()
                    last_line = line
            syncer.wait(0.2)
    except KeyboardInterrupt:
        return


@app.command(
    "verify",
    help=N_(
        "Walk every console's hash chain (local log, share and hub); report gaps and tampering."
    ),
)
@guarded
def verify(
    local_only: Annotated[
        bool,
        typer.Option("--local", help=N_("Only the local database, not the share or the hub.")),
    ] = False,
) -> None:
    from pathlib import Path

    from command_console.data.sync.verify import verify as run_verify

    workspace = State.workspace()
    config = workspace.config
    share = Path(config.sync_dir) if config.sync_dir and not local_only else None
    hub_url = config.sync_url if config.sync_url and not local_only else None
    summary, problems = run_verify(workspace.store, share, hub_url)
    for line in summary:
        typer.echo(line)
    for line in problems:
        typer.echo(_("problem: {line}").format(line=line), err=True)
    _print_rejected(workspace.store)
    integrity = workspace.store.integrity_check()
    if integrity != "ok":
        typer.echo(
            _("problem: {database}: integrity_check {integrity}").format(
                database=workspace.paths.database, integrity=integrity
            ),
            err=True,
        )
    count = len(problems) + (integrity != "ok")
    typer.echo(ngettext("{n} problem", "{n} problems", count).format(n=count))
    if problems or integrity != "ok":
        raise typer.Exit(1)


def _print_rejected(store) -> None:
    """Operations refused from other consoles (kept aside, never applied), one line each."""
    from command_console.data.sync import peers

    rejected = peers.list_rejected(store, limit=1000)
    for item in rejected:
        typer.echo(
            _("rejected: console {console} seq {seq} in {file}: {reason}").format(
                console=item.console_id, seq=item.seq, file=item.file, reason=item.reason
            )
        )
    total = sum(peers.rejected_counts(store).values())
    if total > len(rejected):
        typer.echo(
            _("rejected: ... and {n} more (command-console peers)").format(n=total - len(rejected))
        )


@app.command(
    "restore",
    help=N_(
        "Rebuild a lost or damaged database from the share. The old file is moved aside, never deleted."
    ),
)
@guarded
def restore(
    from_share: Annotated[
        bool,
        typer.Option(
            "--from-share",
            help=N_(
                "Rebuild this console's database from the shared folder: its own published operations and every other console's."
            ),
        ),
    ] = False,
) -> None:
    from command_console.data.sync import Syncer, keys

    if not from_share:
        fail(
            _(
                "say where from: restore --from-share (a copy made by `backup` is restored by copying it back as console.db)"
            )
        )
    workspace = State.workspace()
    if not workspace.config.sync_dir:
        fail(
            _("restore needs the shared folder: set it with `command-console init --sync-dir DIR`")
        )
    if not (workspace.paths.root / keys.KEY_FILE).exists():
        fail(
            _(
                "{path} is missing: this console's operations in the share are signed with it; restore it first"
            ).format(path=workspace.paths.root / keys.KEY_FILE),
            code=3,
        )
    moved = _move_aside(workspace.paths.database, workspace.clock.now())
    result = Syncer(workspace).sync_once(wait=True)
    store = workspace.store
    own = store.scalar("SELECT count(*) FROM ops WHERE console_id = ?", store.console_id) or 0
    for line in moved:
        typer.echo(_("moved aside: {path}").format(path=line))
    typer.echo(
        _("restored {own} operations of this console and {others} of others from {share}").format(
            own=own, others=store.op_count() - own, share=workspace.config.sync_dir
        )
    )
    if not result.share_ok:
        fail(_("the share is not usable: {state}").format(state=result.share_state), code=4)


def _move_aside(database, now) -> list[str]:
    """console.db (and its -wal, -shm) renamed with the time, so a restore never loses a file."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    moved = []
    for suffix in ("", "-wal", "-shm"):
        path = database.with_name(database.name + suffix)
        if path.exists():
            target = database.with_name(f"{database.name}.before-restore-{stamp}{suffix}")
            path.rename(target)
            moved.append(str(target))
    return moved
