"""CLI: `config show` and `config set KEY VALUE`: read and repair config.toml without an
editor. They read the file directly, so they work while a bad value stops every other command."""

from __future__ import annotations

import typer

from command_console.cli import VALUES, JsonOpt, State, app, emit_json, fail
from command_console.core.errors import EXIT_BAD_INPUT, UserError
from command_console.i18n import N_, _

config_app = typer.Typer(help=N_("Show or change settings in config.toml."), no_args_is_help=True)
app.add_typer(config_app, name="config")


def _config_file():
    from command_console.paths import resolve_paths

    paths = resolve_paths(State.data_dir)
    if not paths.config.is_file():
        raise UserError(
            _("{path} does not exist; run `command-console init` first").format(path=paths.config)
        )
    return paths


@config_app.command(
    "show", help=N_("Every setting as stored; a bad value is named on stderr (exit 2).")
)
def config_show(json_: JsonOpt = False) -> None:
    import tomli_w

    from command_console import config as config_io

    paths = _config_file()
    data, text = config_io.read_raw(paths.config)
    if json_:
        emit_json(data)
    else:
        typer.echo(tomli_w.dumps(data).rstrip())
    try:
        config_io.from_dict(data, paths.config, text)
    except UserError as exc:
        fail(str(exc), EXIT_BAD_INPUT)


@config_app.command(
    "set",
    context_settings=VALUES,
    help=N_(
        "Set one setting (alarm_repeat_s 30, time_zone Asia/Shanghai, language zh-CN, emergency_numbers.fire 119, keymap.quick_log ctrl+l); an empty VALUE removes an optional one. The whole file is checked before it is written."
    ),
)
def config_set(key: str, value: str) -> None:
    from command_console import config as config_io

    paths = _config_file()
    data, text = config_io.read_raw(paths.config)
    updated = config_io.settings_with(data, key, value)
    config = config_io.from_dict(updated, paths.config, text)
    config_io.save(paths, config)
    typer.echo(_("{key} set in {path}").format(key=key.strip(), path=paths.config))
