"""The light table behind the incidents and steps panes: alignment with wide characters,
cursor keys and scrolling, Enter, and single-cell updates."""

from __future__ import annotations

from rich.text import Text
from textual.app import App

from command_console.widgets.keyed_table import KeyedTable
from tests.tui.conftest import screen_text


class TableApp(App):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.events: list[tuple[str, str | None]] = []

    def compose(self):
        yield KeyedTable()

    def on_mount(self) -> None:
        table = self.query_one(KeyedTable)
        table.add_column("Title", key="title", width=16)
        table.add_column("Next", key="next", width=6)
        titles = ["[bold]x[/bold]", "停电 三楼 UPS 供电中", "plain"]
        table.set_rows(
            [
                (f"r{n}", {"title": Text(titles[n % 3]), "next": Text(f"{n:02d}:00")})
                for n in range(self.rows)
            ]
        )
        table.focus()

    def on_keyed_table_row_highlighted(self, event: KeyedTable.RowHighlighted) -> None:
        self.events.append(("highlighted", event.row_key))

    def on_keyed_table_row_selected(self, event: KeyedTable.RowSelected) -> None:
        self.events.append(("selected", event.row_key))


async def test_columns_stay_aligned_with_wide_characters_and_markup_shows_literally():
    app = TableApp(rows=3)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert "[bold]x[/bold]" in lines[1]
        assert (
            "停电 三楼 UPS" in lines[2] and "…" in lines[2]
        )  # 20 cells cut to 16 with an ellipsis
        from rich.cells import cell_len

        starts = [cell_len(line[: line.index(f"{n:02d}:00")]) for n, line in enumerate(lines[1:4])]
        assert starts == [starts[0]] * 3, lines[:4]


async def test_cursor_keys_scroll_and_enter_selects():
    app = TableApp(rows=50)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(KeyedTable)
        await pilot.press("down", "down")
        assert table.cursor_key == "r2" and app.events[-1] == ("highlighted", "r2")
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "r49" and table.scroll_y > 0
        assert "49:00" in screen_text(app)
        await pilot.press("home", "pagedown")
        assert table.cursor_row > 1
        await pilot.press("enter")
        assert app.events[-1] == ("selected", table.cursor_key)


async def test_update_cell_changes_that_row_on_screen():
    app = TableApp(rows=3)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(KeyedTable)
        await pilot.pause()
        table.update_cell("r1", "next", Text("+01:05", style="bold white on red"))
        await pilot.pause()
        assert table.get_cell("r1", "next").plain == "+01:05"
        lines = screen_text(app).splitlines()
        assert "+01:05" in lines[2] and "00:00" in lines[1]


async def test_replacing_rows_keeps_the_cursor_on_its_key():
    app = TableApp(rows=5)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(KeyedTable)
        table.move_cursor(3)
        await pilot.pause()
        table.set_rows(
            [(k, {"title": Text(k), "next": Text("")}) for k in ("r9", "r3", "r0")], cursor_key="r3"
        )
        await pilot.pause()
        assert table.cursor_key == "r3" and table.row_keys == ["r9", "r3", "r0"]


async def test_a_cut_cell_never_ends_in_a_separator():
    """A role column of 14 cells showed '部门负责人,  …' (a comma and the cell a wide
    character did not fit in before the ellipsis)."""
    app = TableApp(rows=0)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(KeyedTable)
        table.set_widths({"title": 14})
        table.set_rows([("r", {"title": Text("部门负责人, 中心管理层"), "next": Text("08:00")})])
        await pilot.pause()
        row = screen_text(app).splitlines()[1]
    assert "部门负责人…" in row and "," not in row, row
