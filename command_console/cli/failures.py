"""Every CLI failure ends as one line on stderr and a documented exit code, never a
traceback: bad arguments, bad input, a refused store, a full or read-only disk, a lock
held too long, and (as a last resort) a bug."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import sys

import typer
from typer._click import core as click_core
from typer._click import exceptions as click_errors
from typer.core import TyperGroup
from typer.exceptions import Abort

from command_console.core import errors
from command_console.i18n import N_, _

_WRITE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EFBIG}
DEBUG_ENV = "COMMAND_CONSOLE_DEBUG"


def say_error(message: str) -> None:
    """The one line: 'error: ...' on stderr, unprintable characters escaped."""
    line = _("error: {message}").format(message=" ".join(str(message).split()))
    typer.echo(line.encode("utf-8", "backslashreplace").decode("utf-8"), err=True)


def describe(exc: BaseException) -> tuple[str, int]:
    """The line to show and the exit code for an exception raised by a command."""
    if isinstance(exc, (errors.UserError, errors.StoreError, errors.WriteError)):
        return str(exc), exc.exit_code
    if isinstance(exc, UnicodeError):
        return _("a value is not valid text (undecodable bytes: {detail}); retype it").format(
            detail=getattr(exc, "reason", exc)  # the decode/encode errors say why
        ), errors.EXIT_BAD_INPUT
    if isinstance(exc, sqlite3.Error):
        return _describe_sqlite(exc)
    if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
        where = f" {exc.filename}" if exc.filename else ""
        return (
            _("cannot write{where}: {reason}; nothing was changed").format(
                where=where, reason=exc.strerror
            ),
            errors.EXIT_CANNOT_WRITE,
        )
    if isinstance(exc, OSError):
        return _("{reason} ({filename})").format(
            reason=exc.strerror or exc, filename=exc.filename or "?"
        ), errors.EXIT_CANNOT_WRITE
    if isinstance(exc, RecursionError):
        return _("input nested too deeply"), errors.EXIT_BAD_INPUT
    return (
        _("unexpected {kind}: {detail} (a bug; {env}=1 shows the traceback)").format(
            kind=type(exc).__name__, detail=exc, env=DEBUG_ENV
        ),
        errors.EXIT_INTERNAL,
    )


def _describe_sqlite(exc: sqlite3.Error) -> tuple[str, int]:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        from command_console.data.engine import BUSY_TIMEOUT_MS

        return (
            _(
                "the database is locked by another process (waited {seconds:g} s); nothing was changed, "
                "try again"
            ).format(seconds=BUSY_TIMEOUT_MS / 1000),
            errors.EXIT_CANNOT_WRITE,
        )
    if "full" in text:
        return _(
            "the disk is full; nothing was changed, free some space and try again"
        ), errors.EXIT_CANNOT_WRITE
    if "readonly" in text or "read-only" in text or "unable to open" in text or "i/o error" in text:
        return _("cannot write the database ({detail}); nothing was changed").format(
            detail=exc
        ), errors.EXIT_CANNOT_WRITE
    return (
        _(
            "the database is damaged ({detail}); run `command-console verify`, then restore it from a peer "
            "or the last backup"
        ).format(detail=exc),
        errors.EXIT_STORE_REFUSED,
    )


class ConsoleGroup(TyperGroup):
    """The root command: runs in Click's non-standalone mode and turns every exception,
    usage errors included, into one line and an exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[override]  # Click's main is overloaded; this one passes every argument on unchanged
        # The language first: --help, an unknown command or a missing argument is answered
        # before the root callback (which chooses it) runs.
        _choose_language_early(sys.argv[1:] if args is None else list(args))
        if any(arg in ("--help", "-h") for arg in (sys.argv[1:] if args is None else args)):
            translate_help(self)
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except click_errors.NoArgsIsHelpError as exc:
            typer.echo(exc.format_message(), err=True)
            sys.exit(errors.EXIT_BAD_INPUT)
        except click_errors.ClickException as exc:
            say_error(_usage_line(exc))
            sys.exit(exc.exit_code)
        except Abort:
            sys.exit(errors.EXIT_INTERRUPTED)
        except (KeyboardInterrupt, EOFError):
            sys.exit(errors.EXIT_INTERRUPTED)
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            message, code = describe(exc)
            say_error(message)
            sys.exit(code)
        sys.exit(result if isinstance(result, int) else errors.EXIT_OK)


def _click_message(exc: click_errors.ClickException) -> str:
    """Click's own words for the usage errors a lead meets most, in the chosen language
    (Click has no catalog); anything else as Click says it."""
    if isinstance(exc, click_errors.MissingParameter) and exc.param is not None:
        hint = exc.param_hint or getattr(exc.param, "get_error_hint", lambda: "")()
        if isinstance(hint, str) and hint:
            return _("missing {what}").format(what=hint)
    if isinstance(exc, click_errors.NoSuchOption):
        return _("no such option: {name}").format(name=exc.option_name)
    message = exc.format_message()
    if found := re.fullmatch(r"No such command (?P<name>'.*')\.", message):
        return _("no such command: {name}").format(name=found["name"])
    if found := re.fullmatch(r"Got unexpected extra argument\(s\) \((?P<words>.*)\)", message):
        return _("unexpected extra arguments: {words}").format(words=found["words"])
    if found := re.fullmatch(r"Option (?P<name>'.*') does not take a value\.", message):
        return _("option {name} takes no value").format(name=found["name"])
    if found := re.fullmatch(r"Option (?P<name>'.*') requires an argument\.", message):
        return _("option {name} needs a value").format(name=found["name"])
    return message


def _usage_line(exc: click_errors.ClickException) -> str:
    message = _click_message(exc)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and isinstance(exc, click_errors.NoSuchOption):
        return _(
            "{message} (see `{command} --help`; a value starting with '-' goes after `--`)"
        ).format(message=message, command=ctx.command_path)
    if ctx is not None and isinstance(exc, click_errors.UsageError):
        return _("{message} (see `{command} --help`)").format(
            message=message, command=ctx.command_path
        )
    return message


def _choose_language_early(args: list[str]) -> None:
    """--help is answered before the root callback runs: pick the language from --lang,
    else the data dir's config, else the locale, from the raw arguments."""
    from command_console.config import configured_language
    from command_console.i18n import set_language

    def value(option: str) -> str | None:
        for n, arg in enumerate(args):
            if arg == option and n + 1 < len(args):
                return args[n + 1]
            if arg.startswith(option + "="):
                return arg.split("=", 1)[1]
        return None

    set_language(value("--lang") or configured_language(value("--data-dir")))


# Click's and Typer's own words in a help page (they have no catalog of ours).
HELP_OPTION_HELP = N_("Show this message and exit.")
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
}


def _fold_long_runs(rich_utils) -> None:
    """Help texts fold a run with no space that is wider than its column. Rich wraps only at
    spaces and cuts a longer run with '…', so a Chinese description lost its middle at 80
    columns ('设置先整体检查：有一个值 … `init` 可修复'); English words never fill a column."""
    base = rich_utils.highlighter
    if getattr(base, "folds", False):
        return

    class Folding(type(base)):  # type: ignore[misc]  # Typer's OptionHighlighter, imported lazily
        folds = True

        def __call__(self, text):
            highlighted = super().__call__(text)
            highlighted.overflow = "fold"
            return highlighted

    rich_utils.highlighter = Folding()


def translate_help(command) -> None:
    """Help texts are marked with N_() where declared (before any language is chosen) and
    translated here, on the command objects Typer builds for this run: each command's
    help, its options' and arguments' help, the --help option's own line, and the panel
    titles and [default: ...]/[required] marks Typer adds."""
    from typer import rich_utils

    for name, words in TYPER_WORDS.items():
        setattr(rich_utils, name, _(words))
    _fold_long_runs(rich_utils)
    _translate_command(command, command.name)


def _translate_command(command, name: str | None) -> None:
    if getattr(command, "help", None):
        command.help = _(command.help)
    if getattr(command, "short_help", None):
        command.short_help = _(command.short_help)
    for param in getattr(command, "params", []):
        if getattr(param, "help", None):
            param.help = _(param.help)
    # Click adds --help itself when the page is shown; made (and kept) on the command now.
    help_option = command.get_help_option(click_core.Context(command, info_name=name))
    if help_option is not None:
        help_option.help = _(HELP_OPTION_HELP)
    for sub_name, sub in getattr(command, "commands", {}).items():
        _translate_command(sub, sub_name)
