from __future__ import annotations

from datetime import UTC, datetime

import pytest

from command_console.core.clock import FakeClock
from command_console.i18n import set_language
from command_console.workspace import Workspace

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Every test starts in English whatever the machine's locale says (LANGUAGE is the
    first variable gettext reads); a test may switch, and the next starts in English again."""
    monkeypatch.setenv("LANGUAGE", "en")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def workspace(tmp_path, clock) -> Workspace:
    ws = Workspace.open(tmp_path / "data", clock)
    yield ws
    ws.close()
