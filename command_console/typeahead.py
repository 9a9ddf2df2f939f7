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
waits behind the keys already read). Tab in a multi-line box that passes Tab on (the report
fields, the handover note) moves the focus the same way, so `abc Tab def` fills two boxes.

A refused key (a binding that does not apply now: `s` on a step already done) says why in
one line, and the keys typed right after it are dropped, not run as commands: they were
meant for the dialog the lead expected (a skip reason), and `l` in that text would have
opened the quick log and stored the rest. A pause (REFUSED_QUIET_S) ends the quiet.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from textual import events
from textual.app import App
from textual.widgets import Input, TextArea

from command_console.i18n import ngettext

HOLD_MAX_S = 2.0  # a hold nobody releases (a bug) must never swallow keys for longer
SETTLE_ROUNDS = 20  # event-loop turns for a key's messages to reach their handlers
REFUSED_QUIET_S = 0.6  # keys this close after a refused one (or a dropped one) are dropped


class TypeAheadApp(App):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held: deque[events.Key | events.Paste] | None = (
            None  # not None: keys wait here, in order
        )
        self._holding = 0  # the hold in force (0: none), so a stale release frees nothing
        self._holds = 0  # every hold gets a new number
        self._quiet_until = 0.0  # monotonic time until which keys are dropped (after a refusal)
        self._refusal = ""
        self._dropped = 0

    # -- refusals ----------------------------------------------------------------

    def say(self, text: str, *, warning: bool = False) -> None:
        """One line for the lead: on the screen's own notice line where it has one."""
        screen_say = getattr(self.screen, "say", None)
        if screen_say is not None:
            screen_say(text, warning=warning)
        else:
            self.notify(
                text, severity="warning" if warning else "information", markup=False, timeout=4
            )

    def refuse(self, reason: str) -> None:
        """An action did not run: say why, and drop the keys typed right after it."""
        self._refusal, self._dropped = reason, 0
        self._quiet_until = time.monotonic() + REFUSED_QUIET_S
        self.say(reason, warning=True)

    def forget_refusal(self) -> None:
        self._quiet_until = 0.0

    def _drop_if_quiet(self) -> bool:
        now = time.monotonic()
        if now >= self._quiet_until:
            return False
        self._quiet_until = now + REFUSED_QUIET_S
        self._dropped += 1
        self.say(
            ngettext(
                "{reason} · {n} key typed after it was not run",
                "{reason} · {n} keys typed after it were not run",
                self._dropped,
            ).format(reason=self._refusal, n=self._dropped),
            warning=True,
        )
        return True

    def refusal_reason(self, key: str) -> str:
        """Why a key bound to an action that does not apply now does nothing ('' if unbound)."""
        for namespace, bindings in self.screen._modal_binding_chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                explain = getattr(namespace, "refusal", None)
                reason = explain(binding.action.split("(", 1)[0]) if explain else ""
                if reason:
                    return reason
        return ""

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
        if self._drop_if_quiet():
            return
        focused = self.focused
        passes_tab = (
            isinstance(focused, TextArea)
            and focused.tab_behavior == "focus"
            and (isinstance(event, events.Key) and event.key in ("tab", "shift+tab"))
        )
        if (
            isinstance(event, events.Paste)
            or (isinstance(focused, TextArea) and not passes_tab)
            or (isinstance(focused, Input) and event.is_printable)
        ):
            await super().on_event(event)  # typing: the box takes the key
            return
        self.app_focus = True
        await self._settle()  # the keys typed before this one are in the box first
        # Held until what the action leaves for the app itself (a dialog's result callback,
        # which may start a write with a hold of its own) has run.
        until_idle = self._hold()
        # Textual's own binding lookup (focused widget up to the app), as its key handling
        # would run it; private in the pinned Textual, and the burst tests would catch a change.
        if await self._check_bindings(event.key, priority=True) or await self._check_bindings(
            event.key
        ):
            await self._settle()
            self.call_later(self._release, until_idle)
        else:
            self._release(until_idle)
            reason = self.refusal_reason(event.key)
            if reason:
                self.refuse(reason)
            else:
                await super().on_event(event)

    async def _settle(self) -> None:
        """Let the messages a key's action posted be handled before the next key."""
        for _ in range(SETTLE_ROUNDS):
            if not any(
                node.message_queue_size for node in self.screen.walk_children(with_self=True)
            ):
                return
            await asyncio.sleep(0)
