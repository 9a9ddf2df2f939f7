"""A real workspace (FakeClock, fixed console id) with a shift running, lead Wang Li."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from command_console.core.clock import FakeClock
from command_console.paths import resolve_paths
from command_console.workspace import Workspace

T0 = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def ws(tmp_path, clock):
    workspace = Workspace(resolve_paths(tmp_path / "data"), clock)
    workspace.initialise(console_id="h4nd", lead_name="Wang Li", time_zone="Asia/Shanghai")
    yield workspace
    workspace.close()
