"""Runs tests/tui/tmux_smoke.sh (the real command in a real terminal) when tmux exists."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("tmux_smoke.sh")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_smoke():
    binary = Path(sys.executable).with_name("command-console")
    env = {
        **os.environ,
        "COMMAND_CONSOLE_BIN": str(binary) if binary.exists() else "command-console",
    }
    result = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tmux smoke: OK" in result.stdout
