"""A light table for rows whose cells change every second: keyed rows of styled cells in
fixed-width columns, a fixed header and a row cursor.

Each row is rendered once and cached; changing a cell re-renders that row only. (A
DataTable re-renders every visible cell after any change, which made 200 running timers
cost about 5% of a core.) Cells are Rich `Text` the caller built from cleaned text, so
nothing in them is ever read as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from command_console.i18n import N_
from command_console.widgets.cells import ellipsize

PAD = 1  # blank cells on each side of a column, as in DataTable


@dataclass
class Column:
    key: str
    label: str
    width: int


class RowMessage(Message):
    def __init__(self, table: KeyedTable, row_key: str | None) -> None:
        super().__init__()
        self.table, self.row_key = table, row_key

    @property
    def control(self) -> KeyedTable:
        return self.table


class KeyedTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keyed-table--header", "keyed-table--cursor"}
    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        & > .keyed-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .keyed-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .keyed-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", N_("Up"), show=False),
        Binding("down", "move(1)", N_("Down"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("pagedown", "page(1)", N_("Page down"), show=False),
        Binding("home", "move_to(0)", N_("First row"), show=False),
        Binding("end", "move_to(-1)", N_("Last row"), show=False),
        Binding("enter", "select", N_("Select"), show=False),
    ]

    class RowHighlighted(RowMessage):
        """The cursor moved to another row (or the rows under it were replaced)."""

    class RowSelected(RowMessage):
        """Enter, or a click on the cursor row."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns: dict[str, Column] = {}
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._row_cells: dict[str, dict[str, Text]] = {}
        self._strips: dict[tuple[str, bool], Strip] = {}  # (row key, is cursor row) -> rendered row
        self._header: Strip | None = None
        self.cursor_row = 0

    # -- columns and rows ------------------------------------------------------

    def add_column(self, label: str, key: str, width: int) -> None:
        self.columns[key] = Column(key, label, width)
        self._restyle()

    def set_widths(self, widths: dict[str, int]) -> None:
        for key, width in widths.items():
            self.columns[key].width = width
        self._restyle()

    def set_rows(
        self, rows: list[tuple[str, dict[str, Text]]], cursor_key: str | None = None
    ) -> None:
        """Replace every row; the cursor goes to cursor_key if given and present."""
        before = self.cursor_key
        self._keys = [key for key, _ in rows]
        self._index = {key: n for n, key in enumerate(self._keys)}
        self._row_cells = dict(rows)
        self._strips.clear()
        self.virtual_size = Size(self._row_width(), len(self._keys) + 1)
        row = (
            self._index.get(cursor_key, self.cursor_row)
            if cursor_key is not None
            else self.cursor_row
        )
        self.cursor_row = max(0, min(row, len(self._keys) - 1))
        self.call_after_refresh(self._scroll_to_cursor)  # once the new virtual size is laid out
        self.refresh()
        if self.cursor_key != before:
            self.post_message(self.RowHighlighted(self, self.cursor_key))

    def update_cell(self, row_key: str, column_key: str, value: Text) -> None:
        self._row_cells[row_key][column_key] = value
        self._strips.pop((row_key, False), None)
        self._strips.pop((row_key, True), None)
        self.refresh_line(self._index[row_key] + 1)  # +1: the header is line 0

    def get_cell(self, row_key: str, column_key: str) -> Text:
        return self._row_cells[row_key][column_key]

    def get_row_index(self, row_key: str) -> int:
        return self._index[row_key]

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def row_keys(self) -> list[str]:
        return list(self._keys)

    @property
    def cursor_key(self) -> str | None:
        return self._keys[self.cursor_row] if self._keys else None

    def visible_keys(self) -> list[str]:
        first = int(self.scroll_y)
        return self._keys[first : first + max(0, self.scrollable_content_region.height - 1)]

    # -- cursor --------------------------------------------------------------

    def move_cursor(self, row: int, animate: bool = False) -> None:
        """Put the cursor on a row (clamped) and scroll it into view."""
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        if row == self.cursor_row:
            self._scroll_to_cursor()
            return
        old, self.cursor_row = self.cursor_row, row
        self.refresh_line(old + 1)
        self.refresh_line(row + 1)
        self._scroll_to_cursor()
        self.post_message(self.RowHighlighted(self, self.cursor_key))

    def action_move(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(
            self.cursor_row + direction * max(1, self.scrollable_content_region.height - 2)
        )

    def action_move_to(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else len(self._keys) - 1)

    def action_select(self) -> None:
        if self._keys:
            self.post_message(self.RowSelected(self, self.cursor_key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = int(self.scroll_y) + offset.y - 1
        if row < len(self._keys):
            selected = row == self.cursor_row
            self.move_cursor(row)
            if selected or event.chain > 1:
                self.action_select()

    def _scroll_to_cursor(self) -> None:
        shown = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + shown:
            self.scroll_to(y=self.cursor_row - shown + 1, animate=False, immediate=True)

    # -- rendering -----------------------------------------------------------

    def on_focus(self) -> None:
        self._restyle()

    def on_blur(self) -> None:
        self._restyle()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyle()

    def _restyle(self) -> None:
        """Styles or widths changed: every row renders anew."""
        self._strips.clear()
        self._header = None
        self.virtual_size = Size(self._row_width(), len(self._keys) + 1)
        self.refresh()

    def _row_width(self) -> int:
        return sum(column.width + 2 * PAD for column in self.columns.values() if column.width)

    def on_resize(self) -> None:
        self.call_after_refresh(
            self._scroll_to_cursor
        )  # the cursor row stays in view in a smaller pane

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            if self._header is None:
                labels = {key: Text(column.label) for key, column in self.columns.items()}
                self._header = self._render_cells(
                    labels, base + self.get_component_rich_style("keyed-table--header")
                )
            strip = self._header
        else:
            row = int(self.scroll_y) + y - 1
            if row >= len(self._keys):
                return Strip.blank(width, base)
            strip = self._row_strip(self._keys[row], row == self.cursor_row, base)
        return strip.crop_extend(0, width, base)

    def _row_strip(self, key: str, cursor: bool, base: Style) -> Strip:
        strip = self._strips.get((key, cursor))
        if strip is None:
            style = base + self.get_component_rich_style("keyed-table--cursor") if cursor else base
            strip = self._strips[(key, cursor)] = self._render_cells(self._row_cells[key], style)
        return strip

    def _render_cells(self, cells: dict[str, Text], style: Style) -> Strip:
        """One line: each cell cut (with an ellipsis, never after a separator) or padded to
        its column's width.
        `style` lies under the cells' own styles, so an alarm cell keeps its colours; each
        cell carries its column in its style, so it stays a run of its own (screenshots
        then keep wide characters inside their column)."""
        line = Text(no_wrap=True, end="")
        for n, column in enumerate(self.columns.values()):
            if not column.width:  # a column the pane has no room for
                continue
            cell = ellipsize((cells.get(column.key) or Text()).copy(), column.width)
            cell.truncate(column.width, pad=True)
            start = len(line)
            line.append(" " * PAD)
            line.append_text(cell)
            line.append(" " * PAD)
            line.stylize_before(Style.from_meta({"column": n}), start, len(line))
        segments = Segment.apply_style(line.render(self.app.console), style)
        width = max(self._row_width(), self.scrollable_content_region.width)
        return Strip(segments, self._row_width()).extend_cell_length(width, style)
