"""Deadlines in fake time: the alarm rings once the deadline passes, repeats, and stops."""

from __future__ import annotations

from command_console.core.incidents import StepState
from command_console.data import actions, queries
from tests.tui.conftest import screen_text, settle


class BellCounter:
    def __init__(self, app) -> None:
        self.count = 0
        self.ring = app.bell
        app.bell = self

    def __call__(self) -> None:
        self.count += 1
        self.ring()


def alarm_notes(app) -> list[str]:
    """The alarm strip's lines (a ringing alarm lives there, not in a toast)."""
    strip = app.screen.query_one("#alarm-strip")
    return [line for line in strip._last.splitlines() if line] if strip.display else []


async def test_deadline_alarm_rings_repeats_and_stops_on_acknowledge(workspace, clock):
    from command_console.app import CommandConsoleApp

    workspace.config.alarm_repeat_s = 30
    incident = actions.open_incident(
        workspace.store, workspace.plan("power-outage"), title="Mains down 断电"
    )
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        bell = BellCounter(app)
        await settle(pilot)
        main = app.screen
        main.tick()
        assert bell.count == 0 and alarm_notes(app) == []
        assert "05:00" in screen_text(app)
        clock.advance(4 * 60 + 59)
        main.tick()
        assert bell.count == 0 and "00:01" in screen_text(app)
        clock.advance(1)  # the deadline instant: at most one tick (0.5 s) later it rings
        main.tick()
        assert bell.count == 1
        await pilot.pause()
        [note] = alarm_notes(app)
        assert incident in note and "Mains down 断电" in note
        assert "phone your superior" in note and "Wang Fang" in note  # whom to call: first contact
        assert not [
            n for n in app._notifications if n.severity == "error"
        ]  # no toast over the roster
        clock.advance(10)
        main.tick()
        await pilot.pause()
        assert bell.count == 1  # not yet time to repeat
        assert "+00:10" in screen_text(app)
        clock.advance(20)
        main.tick()
        await pilot.pause()
        assert (
            bell.count == 2 and len(alarm_notes(app)) == 1
        )  # one line per alarm, in a fixed place
        await pilot.press("a")
        await settle(pilot)
        step = next(
            s
            for s in queries.get_incident(workspace.store, incident).steps
            if s.step_id == "phone-superior"
        )
        assert step.acked_at is not None
        clock.advance(120)
        main.tick()
        assert bell.count == 2  # acknowledged: silent, still shown late
        await pilot.pause()
        assert "+02:30" in screen_text(app)
        assert alarm_notes(app) == []  # and off the strip


async def test_done_step_stops_alarm(workspace, clock):
    from command_console.app import CommandConsoleApp

    workspace.config.alarm_repeat_s = 5
    incident = actions.open_incident(workspace.store, workspace.plan("power-outage"))
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        bell = BellCounter(app)
        await settle(pilot)
        clock.advance(301)
        app.screen.tick()
        assert bell.count == 1
        actions.set_step(workspace.store, incident, "phone-superior", StepState.DONE)
        app.poll_store()
        await settle(pilot)
        clock.advance(60)
        app.screen.tick()
        assert bell.count == 1


async def test_two_hundred_timers_tick_cheaply(workspace, clock):
    """Not a timing test: a tick rewrites only on-screen cells whose text changed, and rows
    scrolled into view show the current time at once."""
    from command_console.app import CommandConsoleApp

    plan = workspace.plan("system-failure")
    workspace.store.append_many(
        [("incident.open", _payload(plan, n, clock)) for n in range(1, 201)]
    )
    app = CommandConsoleApp(workspace)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.incidents
        assert len(table.incidents) == 200
        first, last = next(iter(table.incidents)), list(table.incidents)[-1]  # in row order
        before_last = table.get_cell(last, "next").plain
        clock.advance(1)
        changed = table.tick(clock.now())
        assert 5 < changed < 40  # the next-deadline cell of each row on screen, not all 200
        assert table.tick(clock.now()) == 0
        assert table.get_cell(last, "next").plain == before_last  # off screen: not touched yet
        table.scroll_end(animate=False)
        await settle(pilot)
        assert table.get_cell(last, "next").plain != before_last
        assert table.get_cell(last, "next").plain == table.get_cell(first, "next").plain


def _payload(plan, n, clock):
    from command_console.data.actions import plan_snapshot

    return {
        "id": f"{n}-tst",
        "title": f"load {n}",
        "plan": plan_snapshot(plan),
        "severity": "serious",
        "started_at": int(clock.now().timestamp() * 1000),
    }
