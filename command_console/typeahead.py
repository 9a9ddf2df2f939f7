"""Type-ahead: keys typed faster than the screen changes still land where the lead meant.

Textual hands each key to the widget focused when the key is read; the key's action (open
a dialog, move the focus, move a cursor) happens later. Keys typed right after it, or
delivered in one burst over SSH, went to the old place. `c` then `wang` acknowledged an
alarm (`a`) and opened the plan picker (`n`). The letters typed right after `l` were
lost. `down` then `space` could mark a step of the incident the cursor had just left.

So the app routes keys itself, one at a time:
- a key that is not typed into a box runs its binding at once (Textual would run it when
  the key came back up from the widget, behind keys read later), and the messages it
  causes (a cursor move updating the steps pane, Enter submitting a box or opening the
  detail) are handled before the next key is routed;
- while a screen opens, or a box is saving, keys are held, then replayed in order to
  whatever has the focus when it is ready.

Actions that move the focus use `Screen.set_focus`, which is immediate (`Widget.focus`
waits behind the keys already read).
"""

from __future__ import annotations

import asyncio
from collections import deque

from textual import events
from textual.app import App
from textual.widgets import Input, TextArea

HOLD_MAX_S = 2.0  # a hold nobody releases (a bug) must never swallow keys for longer
SETTLE_ROUNDS = 20  # event-loop turns for a key's messages to reach their handlers


class TypeAheadApp(App):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held: deque[events.Key | events.Paste] | None = None  # not None: keys wait here, in order
        self._holding = 0  # the hold in force (0: none), so a stale release frees nothing
        self._holds = 0  # every hold gets a new number

    # -- holding -----------------------------------------------------------------

    def hold_keys(self) -> None:
        """Keep the keys that arrive from now on until `release_keys`."""
        hold = self._hold()
        self.set_timer(HOLD_MAX_S, lambda: self._release(hold))

    def _hold(self) -> int:
        self._holds += 1
        self._holding = self._holds
        if self._held is None:
            self._held = deque()
        return self._holding

    def release_keys(self) -> None:
        """Route the held keys, in order, to what has the focus now."""
        self._release(self._holding)

    def _release(self, hold: int) -> None:
        if hold == self._holding and hold:
            self._holding = 0
            self.call_later(self._replay)

    async def _replay(self) -> None:
        while self._held and not self._holding:
            await self._route(self._held.popleft())
        if not self._holding:
            self._held = None

    def push_screen(self, screen, *args, **kwargs):
        """Keys typed while a screen opens go to it once it has its focus."""
        result = super().push_screen(screen, *args, **kwargs)
        self.hold_keys()
        self.screen.call_after_refresh(self.release_keys)
        return result

    # -- routing -----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._held is not None:
                self._held.append(event)
            else:
                await self._route(event)
            return
        await super().on_event(event)

    async def _route(self, event: events.Key | events.Paste) -> None:
        focused = self.focused
        if isinstance(event, events.Paste) or isinstance(focused, TextArea) or (
                isinstance(focused, Input) and event.is_printable):
            await super().on_event(event)  # typing: the box takes the key
            return
        self.app_focus = True
        await self._settle()  # the keys typed before this one are in the box first
        # Held until what the action leaves for the app itself (a dialog's result callback,
        # which may start a write with a hold of its own) has run.
        until_idle = self._hold()
        # Textual's own binding lookup (focused widget up to the app), as its key handling
        # would run it; private in the pinned Textual, and the burst tests would catch a change.
        if await self._check_bindings(event.key, priority=True) or await self._check_bindings(event.key):
            await self._settle()
            self.call_later(self._release, until_idle)
        else:
            self._release(until_idle)
            await super().on_event(event)

    async def _settle(self) -> None:
        """Let the messages a key's action posted be handled before the next key."""
        for _ in range(SETTLE_ROUNDS):
            if not any(node.message_queue_size for node in self.screen.walk_children(with_self=True)):
                return
            await asyncio.sleep(0)
