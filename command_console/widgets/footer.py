"""The key footer: one line of the keys that apply now, redrawn only when they change."""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from command_console.i18n import N_, _

PALETTE_GAP = " │ "
PALETTE_WORD = N_("palette")  # Textual's command-palette binding says this; _() shows it translated
SHORT = 6  # cells a key's description keeps when the footer is too narrow
DIM = Style(dim=True)


class ShownKey(NamedTuple):
    key: str  # what simulate_key takes
    display: str  # what the lead reads
    description: str
    tooltip: str
    enabled: bool
    everywhere: bool = False  # an app-wide key (quit, help, handover, export)


class KeyFooter(Widget):
    """Textual's Footer is a widget per key and rebuilds them all on each bindings refresh;
    the main screen refreshes bindings on every cursor move (which keys apply depends on
    the row). That cost tens of milliseconds per keypress and ~20 ms at start. This one
    is a single line, redrawn only when the keys it shows change. A click runs the key."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys: tuple[ShownKey, ...] = ()
        self.palette: ShownKey | None = None
        self._spans: list[tuple[int, int, ShownKey]] = []  # cells each key occupies, for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        keys, palette = [], None
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items():
            palette_key = key == self.app.COMMAND_PALETTE_BINDING
            if binding.show or palette_key:
                # Descriptions are marked N_() where the bindings are declared: translated here.
                shown = ShownKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    _(binding.description),
                    _(tooltip or binding.tooltip or binding.description),
                    enabled,
                    _node is self.app,
                )
                if palette_key:
                    palette = shown
                else:
                    keys.append(shown)
        if (tuple(keys), palette) != (self.keys, self.palette):
            self.keys, self.palette = tuple(keys), palette
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key", partial=True)
        description_style = self.get_component_rich_style("key-footer--description", partial=True)
        line, self._spans = self._line(self.keys, key_style, description_style)
        if line.cell_len > self.size.width:
            # Too narrow: the app-wide keys (quit, help, handover, export) come first so they
            # are never cut, then the rest with short descriptions.
            ordered = sorted(self.keys, key=lambda shown: not shown.everywhere)
            line, self._spans = self._line(ordered, key_style, description_style, short=True)
        if self.palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            room = (
                self.size.width
                - line.cell_len
                - cell_len(PALETTE_GAP)  # in cells: a Chinese description takes two per character
                - cell_len(self.palette.display)
                - cell_len(self.palette.description)
                - 1
            )
            if room >= 0:
                line.append(" " * room)
                line.append(PALETTE_GAP, style=DIM)
                self._append(line, self.palette, key_style, description_style)
        return line

    def _line(self, keys, key_style, description_style, short: bool = False) -> tuple[Text, list]:
        line, self._spans = Text(no_wrap=True, overflow="crop", end=""), []
        for shown in keys:
            self._append(line, shown, key_style, description_style, short)
            line.append(" ")
        return line, self._spans

    def _append(
        self, line: Text, shown: ShownKey, key_style, description_style, short: bool = False
    ) -> None:
        start = line.cell_len
        dim = Style() if shown.enabled else DIM
        description = shown.description
        if short and cell_len(description) > SHORT:  # cut in cells: a Chinese character takes two
            description = set_cell_size(description, SHORT - 1) + "…"
        line.append(shown.display, style=key_style + dim)
        line.append(description, style=description_style + dim)
        self._spans.append((start, line.cell_len, shown))

    def _key_at(self, x: int) -> ShownKey | None:
        return next((shown for start, end, shown in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        shown = self._key_at(event.x)
        self.tooltip = shown.tooltip if shown else None

    def on_click(self, event: events.Click) -> None:
        shown = self._key_at(event.x)
        if shown is None:
            return
        if shown.enabled:
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()
