from __future__ import annotations

from datetime import UTC, datetime

import pytest
import typer.testing

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


@pytest.fixture(autouse=True, scope="session")
def cli_built_once():
    """Typer's CliRunner builds the whole Click command tree from the Typer app on every
    invoke (about 0.1 s, more than most commands take); a real process builds it once and
    runs one command on it. Here each app is built once per test process and reused, as
    Click's own CliRunner reuses a command. Building is pure (the same tree every time) and
    running a command does not change the tree, with one exception: `--help`/`-h`
    translates the help texts in place (cli/failures.translate_help), so after a help
    invocation that app is built afresh."""
    build = typer.testing._get_command
    invoke = typer.testing.CliRunner.invoke
    built: dict[typer.Typer, object] = {}

    def command_of(app):
        if app not in built:
            built[app] = build(app)
        return built[app]

    def invoke_on_built(self, app, args=None, *rest, **kwargs):
        try:
            return invoke(self, app, args, *rest, **kwargs)
        finally:
            argv = args.split() if isinstance(args, str) else list(args or ())
            if any(arg in ("--help", "-h") for arg in argv):
                built.pop(app, None)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", command_of)
        patch.setattr(typer.testing.CliRunner, "invoke", invoke_on_built)
        yield


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def workspace(tmp_path, clock) -> Workspace:
    ws = Workspace.open(tmp_path / "data", clock)
    yield ws
    ws.close()
