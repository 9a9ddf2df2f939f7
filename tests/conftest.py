from __future__ import annotations

import os
import signal
from datetime import UTC, datetime

import pytest
import typer.testing

from command_console.core.clock import FakeClock
from command_console.i18n import set_language
from command_console.workspace import Workspace

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)

# `pytest &` from a non-interactive shell inherits SIGINT ignored, and so would the
# `sync --watch` children the tests stop with SIGINT (they then ran on until a timeout).
# A handler set here is reset to the default in each child (as bench/__init__.py does).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Tests that take far longer than the rest (real processes, fault loops, the screen fuzz
# corpus). Under `pytest -n auto` (xdist's worksteal scheduler, pytest_cmdline_main) each
# worker gets one contiguous block of the collection and idle workers take tests from the
# end of the others' blocks; these long tests go to the heads of the blocks, a few per
# worker, so no worker starts one late and leaves the others waiting for it. Only the
# order changes; the rest keep theirs.
LONG_FIRST = (
    "tests/sync/test_sync_cli_converge.py",
    "tests/hub/test_hub_faults.py",
    "tests/sync/test_sync_kill9.py",
    "tests/tui/test_screen_text_property.py",
    "tests/sync/test_hostile_peer.py",
    "tests/tui/test_tmux_smoke.py",
)


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        for n, prefix in enumerate(LONG_FIRST):
            if item.nodeid == prefix or item.nodeid.startswith((prefix + "::", prefix + "[")):
                return n
        return len(LONG_FIRST)

    long = sorted((item for item in items if rank(item) < len(LONG_FIRST)), key=rank)
    rest = [item for item in items if rank(item) == len(LONG_FIRST)]
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    ordered, left = [], len(items)
    for worker in range(workers):  # the block sizes worksteal cuts, front to back
        size = left // (workers - worker)
        heads = long[worker::workers]
        take = max(0, size - len(heads))
        ordered += heads + rest[:take]
        del rest[:take]
        left -= size
    items[:] = ordered + rest


@pytest.hookimpl(tryfirst=True)  # before xdist's, which makes an unset --dist "load"
def pytest_cmdline_main(config):
    """With -n and no --dist of the caller's: xdist's worksteal scheduler (see LONG_FIRST)."""
    if getattr(config.option, "numprocesses", None) and config.option.dist == "no":
        config.option.dist = "worksteal"


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown under -p no:xdist
def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than there are cores. The pilot tests spend part of their
    time waiting for the app to go idle and the sync tests for their processes; a third
    worker on two cores fills those gaps (measured: see the commit). PYTEST_XDIST_AUTO_NUM_WORKERS
    still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") or config.option.numprocesses != "auto":
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


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
