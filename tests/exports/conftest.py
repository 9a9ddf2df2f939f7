"""Fixtures for export tests; the scenario itself lives in export_scenario.py."""

from __future__ import annotations

import pytest
from export_scenario import T0, build_shift, fixed_ids, make_workspace  # noqa: F401  (fixed_ids is a fixture)

from command_console.core.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def shift_workspace(tmp_path, clock, fixed_ids):  # noqa: F811 - the fixture imported above, requested by name
    workspace = make_workspace(tmp_path, clock)
    ids = build_shift(workspace, clock)
    yield workspace, ids
    workspace.close()
