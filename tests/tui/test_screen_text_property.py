"""Property: any text a lead types goes through every typed path of the screen as text.

Through the real app (screen_fuzz.push_texts): no crash; the store holds the cleaned text, or
nothing and a one-line error when it is refused; the screen shows it literally (markup never
acts) and never shows a control, bidi or invisible format character.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from command_console.core.text import FIELD_LIMIT, LOG_ENTRY_LIMIT, TITLE_LIMIT
from command_console.data import actions
from tests.data.test_text_paths import HOSTILE, TEXT
from tests.tui import screen_fuzz
from tests.tui.conftest import settle
from tests.tui.screen_fuzz import PATHS

PRINTABLE = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])
# one line (an Input keeps only the first), no lone surrogates (no terminal sends one, like st.text's default)
ONE_LINE = st.characters(
    exclude_categories=["Cs"], exclude_characters="\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
)
SCREEN_TEXT = (
    TEXT  # hostile pieces and random Unicode; 1990-2010 characters around the log limit
    | st.lists(HOSTILE | st.text(PRINTABLE, max_size=8), max_size=4).map("".join)  # typed as keys
    | st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=300)
    | st.text(ONE_LINE, min_size=TITLE_LIMIT - 5, max_size=TITLE_LIMIT + 5)
    | st.text(ONE_LINE, min_size=LOG_ENTRY_LIMIT - 10, max_size=LOG_ENTRY_LIMIT + 10)
)

MARKUP = st.sampled_from(
    [
        "[bold]",
        "[/",
        "[@click=app.quit]",
        "[b]x[/b]",
        "[red on white]",
        "[/bold]",
        "[link=https://e.x]y[/link]",
    ]
)
BIDI = st.sampled_from(
    [
        "\u202e",
        "\u202d",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u200b",
        "\ufeff",
        "\u061c",
    ]
)
CONTROL = st.sampled_from(
    [
        "\x1b[31m",
        "\x1b]0;t\x07",
        "\x1b[2J",
        "\x07",
        "\x00",
        "\x08",
        "\x7f",
        "\x9b",
        "\r",
        "\t",
        "\n",
    ]
)
# at least one markup tag, one bidi or invisible format character and one control character, anywhere
HOSTILE_LINE = (
    st.tuples(st.lists(HOSTILE | st.text(max_size=8), max_size=4), MARKUP, BIDI, CONTROL)
    .flatmap(lambda t: st.permutations([*t[0], *t[1:]]))
    .map("".join)
)

CORPUS = [
    "[bold] [/ [@click=app.quit] 停电 三楼",  # short and printable: typed as keys
    "[b]x[/b] =1+1 |col| *x* `\\ &amp; %s {0}",
    "[link=https://e.x]y[/link] <script>alert(1)</script> @SUM(A1) \x1b[31mred\x1b[0m \x1b]0;pwned\x07 "
    "\x1b]52;c;aGk=\x07 \x1b[2J \x07\x00\x08\x7f\x9b \u202eevil\u202c \u2066iso\u2069 \u200f\u200b\ufeff e\u0301 "
    "👨\u200d👩\u200d👧 🇨🇳 Ｗｉｄｅ 系统故障【紧急】 [/bold] [",
    "tab\there cr\rhere crlf\r\nhere ls\u2028here [/]",
    "\x1b[31m\x07\u202e  \t ",  # nothing left after cleaning
    "[bold]" * 33 + "xx",  # exactly the title limit
    "\u202e" + "y" * (TITLE_LIMIT + 1),  # one over it, after cleaning
    "[/" * (LOG_ENTRY_LIMIT // 2),  # exactly the log-entry limit
    "长" * (FIELD_LIMIT + 1),  # over every limit, even a report field's
]


def report(tally) -> str:
    return "\n".join(tally.failures[:15] + tally.crash_reports[:3]) + "\n" + tally.summary(0)


# Each example runs the app for ~10 s: no shrinking (minutes); a failure prints the texts it used.
@settings(
    max_examples=6 if os.environ.get("CC_SLOW") else 1,  # a new draw each run; CC_SLOW=1: more
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(line=HOSTILE_LINE, more=st.lists(SCREEN_TEXT, max_size=1), seed=st.integers(0, 2**16))
def test_any_typed_text_goes_through_every_screen_path_as_text(tmp_path_factory, line, more, seed):
    texts = [line, *more]
    tally = screen_fuzz.run(texts, tmp_path_factory.mktemp("screen") / "data", seed=seed)
    assert tally.ok, report(tally)
    assert all(tally.tried[path] == len(texts) for path in PATHS), report(tally)


# The corpus path by path (one app each), so parallel workers share it; the report's two
# kinds go together as they share a form.
PATH_GROUPS = [(p,) for p in PATHS if not p.startswith("report_")] + [
    ("report_line", "report_block")
]
# the refusals that must happen through the screen: empty, over the title, log-entry and field limits
REFUSED = {"title": 3, "log": 2, "skip": 2, "report_line": 1, "report_block": 1}


@pytest.mark.parametrize("paths", PATH_GROUPS, ids="+".join)
def test_hostile_corpus_goes_through_every_screen_path_as_text(tmp_path, paths):
    tally = screen_fuzz.run(CORPUS, tmp_path / "data", seed=7, paths=paths)
    assert tally.ok, report(tally)
    assert all(tally.tried[path] == len(CORPUS) for path in paths), report(tally)
    assert tally.modes["typed"] and tally.modes["pasted"] and tally.modes["set"], report(tally)
    assert {p: tally.refused[p] for p in paths} == {p: REFUSED.get(p, 0) for p in paths}, report(
        tally
    )


def test_pasted_control_and_bidi_characters_are_not_drawn_in_input_boxes(tmp_path):
    texts = ["\x1b]0;pwned\x07 \x1b[31mred \u202eevil"]
    tally = screen_fuzz.run(
        texts, tmp_path / "data", paths=("roster_filter", "report_block"), check_input_boxes=True
    )
    assert tally.ok, report(tally)


def test_a_long_word_in_a_log_entry_shows_whole_in_the_detail_timeline(tmp_path):
    texts = [
        "停电" * 60,
        "see https://status.example.com/incidents/" + "a1b2c3" * 20 + " for details",
    ]
    tally = screen_fuzz.run(texts, tmp_path / "data", paths=("log",), strict_detail=True)
    assert tally.ok, report(tally)


async def test_a_line_break_stored_in_a_single_line_report_field_is_not_drawn(app, demo):
    actions.set_report_field(
        demo.store, "3-tst", "site", "Hotline Centre\r\n3F [bold]"
    )  # as `report set` does
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.incidents
        table.move_cursor(row=table.get_row_index("3-tst"))
        await pilot.press("r")
        await settle(pilot)
        assert (
            app.screen.query_one("#field-site").value == "Hotline Centre 3F [bold]"
        )  # one line, literal
        drawn = [strip.text for strip in app.screen._compositor.render_strips()]
        assert not [line for line in drawn if "\n" in line], (
            "a line break drawn inside a screen line"
        )
