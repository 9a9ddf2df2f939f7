"""`command-console board --once` through the real CLI (a subprocess) on a console that
holds three consoles' operations from a real shared folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

CLI = [sys.executable, "-m", "command_console"]


def board_once(
    data_dir: Path, *args: str, columns: int = 80, after: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """`command-console [args] board --once [after]`."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": str(columns)}
    env.pop("COMMAND_CONSOLE_HOME", None)
    return subprocess.run(
        [*CLI, "--data-dir", str(data_dir), *args, "board", "--once", *after],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_board_once_prints_every_site_cleaned_within_the_width(synced):
    consoles, ids = synced
    done = board_once(consoles["alpha"].paths.root)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Board · ") and "3 sites · 4 open incidents" in lines[0]
    assert all(cell_len(line) <= 80 for line in lines)
    assert "\x1b" not in done.stdout
    headings = [line for line in lines if line and not line.startswith(" ")][1:]
    assert headings == [
        "charlie",
        "North [bold]Hall[/] red, Pudong",
        "热线中心 Hotline Centre, 3F Building A",
    ]
    text = done.stdout
    assert "  on shift: Wang Fang 王芳 (bravo, since " in text
    assert "  on shift: Zhao (charlie, since " in text
    assert "  open: no open incident" in text
    critical = next(line for line in lines if ids["cut"] in line)
    severity, late, steps, reports, age = critical.split()[:5]
    # five upward reports owed at 特别重大 (the site rule; power-outage adds none since f84ea58)
    assert (severity, steps, reports, age) == ("critical", "1", "5", "2h00m")
    assert re.fullmatch(r"\+1h5\dm", late)  # started two hours ago, the first step due at once
    assert critical.endswith(f"{ids['cut']} 变电站停电 Substation power c…")  # cut to 80 cells
    drill = next(line for line in lines if ids["drill"] in line)
    assert "[DRILL] Fire drill" in drill


def test_board_once_in_chinese(synced):
    consoles, ids = synced
    done = board_once(consoles["alpha"].paths.root, "--lang", "zh-CN", columns=100)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(cell_len(line) <= 100 for line in lines)
    critical = next(line for line in lines if ids["cut"] in line)
    assert critical.split()[0] == "特别重大"
    assert "看板" in lines[0] and "值班" in done.stdout


def test_board_once_on_an_unusable_data_dir_is_one_line(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    done = board_once(not_a_dir)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
