"""Exports, shift and handover code stay below the UI; the CLI module stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module, forbidden",
    [
        ("command_console.core.handover", ["textual", "sqlalchemy", "command_console.data"]),
        ("command_console.data.shift", ["textual"]),
        ("command_console.data.exports", ["textual"]),
        ("command_console.data.exports.html", ["textual"]),
        ("command_console.cli", ["textual", "sqlalchemy", "command_console.data.exports"]),
    ],
)
def test_module_imports_nothing_it_should_not(module, forbidden):
    code = f"import sys, {module}; print([m for m in {forbidden!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]", out
