import pytest

from command_console.core.errors import UserError
from command_console.core.text import cell_width, clean, clean_line, pad


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("plain", "plain"),
        ("red \x1b[31malert\x1b[0m", "red alert"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("title \x1b]0;owned\x07 x", "title  x"),
        ("bidi \u202eevil\u202c", "bidi evil"),
        ("[bold]markup[/] stays", "[bold]markup[/] stays"),
        ("two\nlines", "two lines"),
        ("停电 三楼", "停电 三楼"),
        (
            "arabic mark \u061c, zero width\u200b, bom\ufeff, line\u2028sep",
            "arabic mark , zero width, bom, linesep",
        ),
        (
            "family \U0001f468\u200d\U0001f469 stays joined",
            "family \U0001f468\u200d\U0001f469 stays joined",
        ),
        ("full\u3000width space 全角", "full\u3000width space 全角"),
    ],
)
def test_clean_strips_controls_and_keeps_text(raw, expected):
    assert clean(raw) == expected


def test_clean_keeps_newlines_in_blocks():
    assert clean("a\r\nb\x1b[1m", multiline=True) == "a\nb"


def test_clean_line_refuses_empty_and_too_long():
    with pytest.raises(UserError, match="log entry is empty"):
        clean_line(" \x1b[0m ", field="log entry", limit=10)
    with pytest.raises(UserError, match="limit is 10"):
        clean_line("x" * 11, field="log entry", limit=10)


def test_pad_counts_wide_characters():
    assert cell_width("停电") == 4
    assert pad("停电abc", 5) == "停电…"  # a cut text says so
    assert pad("Mains down on floor 3", 10) == "Mains dow…"  # was 'Mains down', looking whole
    assert pad("停电", 4) == "停电"
    assert cell_width(pad("停电停电停电", 7)) == 7
    assert pad("ab", 4) == "ab  "


def test_a_cut_never_ends_in_a_separator():
    """'部门负责人,  …' (the roster's role column), 'Seed 004 ·…' (a cut step line)."""
    assert pad("部门负责人, 中心管理层", 14) == "部门负责人…   "
    assert pad("call Wang 13800 · note: Seed 004", 18) == "call Wang 13800…  "
    assert pad("a、b", 3) == "a… "
    assert pad("Mains down", 6) == "Mains…"


def test_report_prefill_fills_known_fields_only_and_never_overwrites():
    from command_console.core.report import PrefillContext, Report, prefill, problems

    context = PrefillContext(
        site="Hall A",
        occurred_at_local="2026-11-22 14:05",
        incident_type="Power outage (serious 较大)",
        measures=["14:06 Phoned operations"],
    )
    filled = prefill(Report("1-x", {"site": "Typed by the lead"}), context)
    assert filled == {
        "occurred_at": "2026-11-22 14:05",
        "type": "Power outage (serious 较大)",
        "measures": "- 14:06 Phoned operations",
    }
    still_missing = problems(Report("1-x", {"site": "Typed by the lead", **filled}))
    assert set(still_missing) == {"impact", "trend", "other"}


def test_cleaning_cleaned_text_changes_nothing():
    """Normalising last: a stripped invisible character no longer hides a composable pair
    (the screen fuzz found text boxes, which clean every edit, disagreeing with the store)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from command_console.core.text import clean

    assert clean("e\u200b\u0301") == "\u00e9"

    @settings(max_examples=300, deadline=None)
    @given(st.text(), st.booleans())
    def idempotent(text, multiline):
        once = clean(text, multiline=multiline)
        assert clean(once, multiline=multiline) == once

    idempotent()
