"""The times inside a console-written entry are shown in the site's zone; an entry from
another console with impossible digits there is shown as stored, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from command_console.core.entry_text import entry_in
from command_console.i18n import set_language

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 22, 6, 20, tzinfo=UTC)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_report_time_is_shown_in_local_time(language):
    set_language(language)
    text = "Told Li Ming phone at 2026-11-22 06:13Z: initial report v1"
    shown = entry_in(text, "report", language, zone=SHANGHAI, at=AT)
    assert "14:13" in shown and "06:13" not in shown, shown


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize(
    "text",
    [
        "Told Li Ming phone at 2026-99-99 99:99Z: initial report v1",
        "Corrective action a1 for Wang, due 0001-01-01 00:00Z: check the UPS",
        "Corrective action a1 for Wang, due 9999-12-31 23:59Z: check the UPS",
    ],
)
def test_impossible_times_from_another_console_are_shown_as_stored(language, text):
    set_language(language)
    zone = ZoneInfo("Pacific/Kiritimati") if "9999" in text else ZoneInfo("America/New_York")
    shown = entry_in(text, "report", language, zone=zone, at=AT)
    stamp = text.split(" at " if "Told" in text else "due ")[1][:16]
    assert f"{stamp}Z" in shown, shown
