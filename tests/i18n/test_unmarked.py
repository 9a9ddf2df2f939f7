"""Every user-facing literal in command_console/ is marked for translation (see
unmarked.py for what counts as user-facing), and the scan itself finds what it should."""

from __future__ import annotations

import textwrap

from unmarked import unmarked


def test_no_user_facing_literal_is_left_unmarked():
    found = unmarked()
    assert not found, f"{len(found)} unmarked:\n" + "\n".join(found[:60])


def test_the_scan_finds_each_kind_of_unmarked_literal(tmp_path):
    package = tmp_path / "command_console"
    package.mkdir()
    (package / "screen.py").write_text(
        textwrap.dedent("""
        from command_console.i18n import N_, _
        BINDINGS = [("q", "quit", "Quit the app"), ("h", "help", N_("Help"))]
        class S:
            def show(self, name):
                self.notify("Saved the report")
                self.notify(_("Saved the report"))
                self.border_title = f"Steps of {name}"
                Binding("x", "resolve", "Resolve it", tooltip=_("Resolve the incident"))
                raise UserError(f"unknown incident {name!r}")
                raise ValueError("internal detail")
                Text("│")
                clean_line(name, field="log entry", limit=3)
                clean_line(name, field="--since", limit=3)
                typer.echo(f"wrote {name}")
                self.notify(f"{_('Logged')}: {name}")
                x = "Not shown: a plain assignment"  # not a user-facing position
                self.notify("Hidden detail")  # i18n: ignore
    """),
        encoding="utf-8",
    )
    found = [line.split(": ")[1] for line in unmarked(package)]
    assert found == [
        "BINDINGS description",
        "notify()",
        "border_title",
        "Binding description",
        "UserError()",
        "field=",
        "echo()",
        "marked inside an f-string (Babel on Python 3.11 cannot extract it)",
    ], found
