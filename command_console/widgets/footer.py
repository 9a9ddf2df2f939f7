"""The key footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer rebuilds every key widget on each bindings refresh, and the main
    screen refreshes bindings on every cursor move (which keys apply depends on the row):
    that cost tens of milliseconds a keypress. This one skips rebuilds that would show
    the same keys."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple((binding.key, binding.description, enabled)
                      for _node, binding, enabled, _tooltip in screen.active_bindings.values() if binding.show)
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # the rebuild below happens
        super().bindings_changed(screen)
