"""config.toml is validated whenever its text changed; an unchanged, already checked file
is read without building the schema (the console's cold start)."""

from __future__ import annotations

import pytest

from command_console import config as config_io
from command_console.core.errors import UserError
from command_console.workspace import Workspace


def test_only_changed_text_is_validated_again(tmp_path, monkeypatch):
    workspace = Workspace.open(tmp_path / "d")
    paths = workspace.paths
    workspace.close()
    config_io.load(paths)

    def no_schema():
        raise AssertionError("validated again")

    monkeypatch.setattr(config_io, "settings_model", no_schema)
    assert config_io.load(paths).alarm_repeat_s == 60  # unchanged: not validated again
    text = paths.config.read_text()
    paths.config.write_text(text.replace("alarm_repeat_s = 60", "alarm_repeat_s = 1"))
    with pytest.raises(AssertionError, match="validated again"):
        config_io.load(paths)
    monkeypatch.undo()
    with pytest.raises(UserError, match="alarm_repeat_s: must be at least 5"):
        config_io.load(paths)
    (paths.root / config_io.CHECKED_FILE).write_text(config_io._fingerprint(text))
    paths.config.write_text(text)
    assert config_io.load(paths).alarm_repeat_s == 60
