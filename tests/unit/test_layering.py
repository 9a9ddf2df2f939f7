"""Nothing below the UI imports Textual; the CLI does not either until it starts the console."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "command_console.core.ops",
        "command_console.core.plans",
        "command_console.core.report",
        "command_console.core.timers",
        "command_console.core.when",
        "command_console.data.store",
        "command_console.data.actions",
        "command_console.data.queries",
        "command_console.cli",
        "command_console.workspace",
    ],
)
def test_module_does_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_core_imports_nothing_from_data_or_ui():
    code = (
        "import importlib, pkgutil, sys, command_console.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__): importlib.import_module('command_console.core.' + m.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('command_console.')"
        " and not m.startswith('command_console.core') and m != 'command_console.i18n'))"  # stdlib-only leaf
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
