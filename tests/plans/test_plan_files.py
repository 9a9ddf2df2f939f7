"""The plans folder (issue #12): only regular files, a size and a nesting limit, one line per problem."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from command_console.core.plans import parse_plan
from command_console.data.plan_files import MAX_PLAN_BYTES, check_file, load_library
from command_console.paths import shipped_plans_dir

SMALL = (shipped_plans_dir() / "outbound-surge.toml").read_text(encoding="utf-8")


def _load_in_subprocess(folder: Path) -> subprocess.CompletedProcess:
    """Load the folder in a child process: a regression would hang, and the child is killed."""
    code = (
        "import sys; from pathlib import Path; from command_console.data.plan_files import load_library\n"
        "lib = load_library([Path(sys.argv[1])])\n"
        "print(sorted(lib.plans)); [print(p) for p in lib.problems]"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )


def _limit_memory() -> None:
    """A regression reading /dev/zero would eat memory: cap the child at 1 GiB."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_toml_is_refused_without_blocking(tmp_path):
    (tmp_path / "outbound-surge.toml").write_text(SMALL, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.toml")
    result = _load_in_subprocess(tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "['outbound-surge']"
    assert (
        lines[1]
        == f"{tmp_path / 'pipe.toml'}:1:1: not a regular file (a FIFO); plans must be plain .toml files"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_symlink_to_a_device_is_refused(tmp_path):
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    result = _load_in_subprocess(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].endswith(
        "zero.toml:1:1: not a regular file (a character device); plans must be plain .toml files"
    )


def test_a_symlink_to_a_regular_plan_file_is_read(tmp_path):
    (tmp_path / "outbound-surge.toml").symlink_to(shipped_plans_dir() / "outbound-surge.toml")
    assert sorted(load_library([tmp_path]).plans) == ["outbound-surge"]


def test_a_folder_named_toml_is_one_problem(tmp_path):
    (tmp_path / "folder.toml").mkdir()
    library = load_library([tmp_path])
    assert [str(p) for p in library.problems] == [
        f"{tmp_path / 'folder.toml'}:1:1: not a regular file (a folder); plans must be plain .toml files"
    ]


def test_a_file_over_the_size_limit_is_not_parsed(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text(
        SMALL.replace('id = "outbound-surge"', 'id = "big"') + "#" * MAX_PLAN_BYTES,
        encoding="utf-8",
    )
    plan, problems = check_file(big)
    assert plan is None
    assert (
        str(problems[0])
        == f"{big}:1:1: too large ({big.stat().st_size} bytes; a plan may have at most {MAX_PLAN_BYTES})"
    )


@pytest.mark.parametrize(
    "opener, closer, col", [("[", "]", 25), ("{a = ", "}", 89)], ids=["arrays", "tables"]
)
def test_deep_nesting_is_one_problem_not_a_recursion_error(opener, closer, col):
    nested = opener * 5000 + "1" + closer * 5000
    plan, problems = parse_plan(f'id = "x"\nvalue = {nested}\n', "plans/x.toml")
    assert plan is None
    assert [str(p) for p in problems] == [f"plans/x.toml:2:{col}: nested more than 16 levels deep"]


def test_brackets_inside_strings_and_comments_do_not_count():
    text = SMALL.replace(
        'title = "Outbound surge"',
        'title = "[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{{"  # [[[[[[[[[[[[[[[[[[[[',
    )
    plan, problems = parse_plan(text, "plans/outbound-surge.toml")
    assert problems == [] and plan.title.startswith("[[[[")


def test_each_problem_is_one_line_even_with_a_newline_in_the_name(tmp_path):
    odd = tmp_path / "bad\nname\x1b[31m.toml"
    odd.write_text('id = "x"\n', encoding="utf-8")
    library = load_library([tmp_path])
    assert library.problems and all(
        "\n" not in str(p) and "\x1b" not in str(p) for p in library.problems
    )


def test_not_utf8_is_one_problem(tmp_path):
    (tmp_path / "latin.toml").write_bytes(b'id = "caf\xe9"\n')
    (problem,) = load_library([tmp_path]).problems
    assert str(problem).endswith(
        "latin.toml:1:1: not UTF-8 text (invalid continuation byte at byte 9)"
    )


def test_cli_lists_and_opens_with_a_bad_file_in_the_users_plans_folder(tmp_path):
    """Issue #12: one deep file made `plans list` and `incident open` of any plan end in a traceback."""
    from typer.testing import CliRunner

    from command_console.cli import app

    runner = CliRunner()
    data = tmp_path / "data"
    assert runner.invoke(app, ["--data-dir", str(data), "init"]).exit_code == 0
    (data / "plans" / "deep.toml").write_text(
        'id = "deep"\nv = ' + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8"
    )
    listed = runner.invoke(app, ["--data-dir", str(data), "plans", "list"])
    assert listed.exit_code == 0 and "power-outage" in listed.output
    assert (
        f"skipped: {data / 'plans' / 'deep.toml'}:2:21: nested more than 16 levels deep"
        in listed.output
    )
    opened = runner.invoke(app, ["--data-dir", str(data), "incident", "open", "power-outage"])
    assert opened.exit_code == 0, opened.output
    checked = runner.invoke(app, ["--data-dir", str(data), "plans", "check"])
    assert checked.exit_code == 1 and "Traceback" not in checked.output
