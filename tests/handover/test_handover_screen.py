"""The handover screen in a real (headless) Textual app over a real store."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import Input, Static, TextArea

from command_console.data import actions, queries
from command_console.screens.handover import HandoverScreen


def run(coroutine) -> None:
    """Run a pilot on a private loop (never touching the global one: snapshot tests need it)."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(coroutine)
    finally:
        loop.close()


class Host(App):
    def __init__(self, workspace) -> None:
        super().__init__()
        self.workspace, self.result = workspace, "unset"

    def on_mount(self) -> None:
        self.push_screen(HandoverScreen(self.workspace), callback=self.done)

    def done(self, result) -> None:
        self.result = result


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def body_text(app) -> str:
    return str(app.screen.query_one("#handover-body", Static).render())


def test_screen_shows_the_summary_then_outgoing_signs_and_incoming_acknowledges(ws, clock):
    iid = actions.open_incident(
        ws.store, ws.plan("power-outage"), title="[bold]Floor 3[/bold] dark 停电"
    )
    clock.advance(minutes=6)
    app = Host(ws)

    async def drive() -> None:
        async with app.run_test(size=(110, 45)) as pilot:
            await settle(app, pilot)
            text = body_text(app)
            assert f"{iid}  serious" in text and "[bold]Floor 3[/bold] dark 停电" in text
            assert "OVERDUE +01:00" in text and "Incomplete reports (1)" in text
            assert app.screen.query_one("#handover-note", TextArea).has_focus
            await pilot.press(*"UPS low", "enter", *"[red]x")
            outgoing = app.screen.query_one("#handover-outgoing", Input)
            assert (
                outgoing.value == queries.current_shift(ws.store).lead
            )  # filled in: Enter confirms
            outgoing.focus()
            await pilot.press("enter")
            assert app.screen.query_one("#handover-incoming", Input).has_focus
            await pilot.press(*"Zhang Wei", "enter")
            await settle(app, pilot)

    run(drive())
    new = queries.current_shift(ws.store)
    ended = queries.list_shifts(ws.store)[0]
    assert app.result == new.id and new.lead == "Zhang Wei" and ws.store.author == "Zhang Wei"
    assert ended.handover_note == "UPS low\n[red]x" and ended.next_lead == "Zhang Wei"


def test_wrong_signature_shows_one_line_and_writes_nothing_then_esc_closes(ws):
    app = Host(ws)
    before = ws.store.op_count()

    async def drive() -> None:
        async with app.run_test(size=(110, 45)) as pilot:
            await settle(app, pilot)
            app.screen.query_one("#handover-outgoing", Input).value = "Someone Else"
            app.screen.query_one("#handover-incoming", Input).focus()
            await pilot.press(*"Zhang", "enter")
            await settle(app, pilot)
            error = str(app.screen.query_one("#handover-error", Static).render())
            assert (
                error
                == "outgoing lead signature 'Someone Else' does not match the shift lead 'Wang Li'"
            )
            assert isinstance(app.screen, HandoverScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HandoverScreen)

    run(drive())
    assert app.result is None and ws.store.op_count() == before
    assert queries.current_shift(ws.store).lead == "Wang Li"
