"""Every CLI command, walked from the Typer app, with bad values in every argument and
option: no traceback, no unexpected-error exit (70), a documented exit code, and no
change to the database or config.toml unless the bad value went into free text (where
any text is a fine value and may be stored)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zlib

import pytest
import typer.main
from typer.testing import CliRunner

from command_console.cli import app

runner = CliRunner()
BAD = [
    "9" * 30,  # huge
    "-1",  # negative, and looks like an option
    "-x",
    "",  # empty
    "\ud800",  # lone surrogate
    "0001-01-01T00:00",  # far past
    "9999-12-31T23:59-14:00",  # far future
    "999999999h ago",
    "999-zz",  # a wrong id
    "x" * 3000,
]
# Commands that never return or start the terminal UI.
SKIP = {("run",), ("demo",), ("sync",)}
SKIP_OPTIONS = {"--watch", "--run"}
# A good value for each parameter, so a bad value in one place reaches that check.
GOOD = {
    "incident": "1",
    "plan": "power-outage",
    "step_query": "1",
    "action": "done",
    "field": "title",
    "value": "x",
    "text": "x",
    "key": "alarm_repeat_s",
    "console": "zz",
    "file": "roster.csv",
    "path": "backup-out",
    "paths": "plans-in",
    "entry": "last",
}
# Free text: a bad value there is just text and may be stored.
FREE_TEXT = {
    ("log", "text"),
    ("amend", "text"),
    ("amend", "reason"),
    ("incident", "cancel", "reason"),
    ("incident", "set", "value"),
    ("report", "set", "value"),
    ("step", "note"),
    ("incident", "open", "title"),
    ("handover", "note"),
    ("init", "site_name"),
    ("init", "site_location"),
    ("init", "lead_name"),
}
ALLOWED_EXITS = {0, 1, 2, 3, 4}
PER_COMMAND = 4  # bad values per command in the ordinary suite (all with CC_SLOW=1)


def leaf_commands():
    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))
        elif path not in SKIP:
            yield path, command

    return list(walk(typer.main.get_command(app), ()))


def invocations(path, command):
    """(argv, free_text) pairs: each bad value in each argument and each value option."""
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    options = [
        p
        for p in command.params
        if p.param_type_name == "option" and not p.is_flag and p.opts[0] not in SKIP_OPTIONS
    ]
    good = [GOOD.get(p.name, "x") for p in arguments]
    for bad in bad_values(path):
        for index, param in enumerate(arguments):
            values = [*good[:index], bad, *good[index + 1 :]]
            yield (
                [*path, "--", *values] if bad.startswith("-") else [*path, *values],
                (*path, param.name) in FREE_TEXT,
            )
        for option in options:
            yield [*path, *good, f"{option.opts[0]}={bad}"], (*path, option.name) in FREE_TEXT
        if not arguments and not options:
            yield [*path, bad], False


def bad_values(path) -> list[str]:
    """Every bad value with CC_SLOW=1; otherwise PER_COMMAND of them, a different slice for
    each command (so the suite still tries every value, on some command, in every run)."""
    if os.environ.get("CC_SLOW"):
        return BAD
    start = zlib.crc32(" ".join(path).encode()) % len(BAD)
    return [BAD[(start + n) % len(BAD)] for n in range(PER_COMMAND)]


def state(data) -> str:
    digest = hashlib.sha256((data / "config.toml").read_bytes())
    conn = sqlite3.connect(f"file:{data / 'console.db'}?mode=ro", uri=True)
    try:
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
    finally:
        conn.close()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    data = tmp_path_factory.mktemp("corpus") / "data"
    result = runner.invoke(app, ["--data-dir", str(data), "incident", "open", "power-outage"])
    assert result.exit_code == 0, result.output
    return data


def test_the_corpus_walks_every_command():
    names = {" ".join(path) for path, _command in leaf_commands()}
    assert {
        "log",
        "step",
        "export",
        "backup",
        "incident set",
        "report set",
        "config set",
        "contacts list",
    } <= names


@pytest.mark.parametrize(
    "path, command", leaf_commands(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_bad_values_give_one_line_and_change_nothing(data, tmp_path, monkeypatch, path, command):
    monkeypatch.chdir(tmp_path)
    problems = []
    for argv, free_text in invocations(path, command):
        before = state(data)
        result = runner.invoke(app, ["--data-dir", str(data), *argv], input="")
        shown = repr(argv)[:120]
        if result.exception and not isinstance(result.exception, SystemExit):
            problems.append(
                f"{shown}: raised {type(result.exception).__name__}: {result.exception}"
            )
        elif "Traceback" in result.output or result.exit_code not in ALLOWED_EXITS:
            problems.append(f"{shown}: exit {result.exit_code}: {result.output[-300:]}")
        elif result.exit_code >= 2 and len(result.stderr.strip().splitlines()) != 1:
            problems.append(
                f"{shown}: {len(result.stderr.splitlines())} lines on stderr: {result.stderr[:300]}"
            )
        elif not free_text and result.exit_code != 0 and state(data) != before:
            problems.append(f"{shown}: exit {result.exit_code} but the database or config changed")
        elif not free_text and result.exit_code == 0 and state(data) != before:
            problems.append(f"{shown}: a bad value was accepted and stored")
    assert not problems, "\n".join(problems[:40])
