"""Every test here starts and ends in English, so a test that switches language leaks nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from command_console import i18n

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def english_after():
    i18n.set_language("en")
    yield
    i18n.set_language("en")
