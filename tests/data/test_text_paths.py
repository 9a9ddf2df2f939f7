"""Property: any text a lead can type goes through the store and every export as text.

It is refused with a clear error (empty after cleaning, over the limit) or stored without
control and bidi characters; every export shows it without them, and JSON keeps it exactly.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from command_console.core.clock import FakeClock
from command_console.core.errors import UserError
from command_console.core.text import LOG_ENTRY_LIMIT
from command_console.data import actions, exports, queries, shift
from command_console.paths import resolve_paths
from command_console.workspace import Workspace

HOSTILE = st.sampled_from(
    [
        "[bold]",
        "[/",
        "[@click=app.quit]",
        "<script>alert(1)</script>",
        "=1+1",
        "@SUM(A1)",
        "\x1b[31m",
        "\x1b]0;t\x07",
        "\x07",
        "\x00",
        "\u202e",
        "\u2066",
        "\r",
        "\t",
        "停电 三楼",
        "|col|",
        "*x*",
        "`",
        "\\",
        "&amp;",
    ]
)
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=40)), max_size=6).map("".join) | st.text(
    min_size=1990, max_size=2010
)
JOINERS = "\u200c\u200d"  # kept on purpose: some scripts and emoji need them


def _has_forbidden(text: str, allowed: str = "") -> bool:
    """Controls, surrogates, line separators or invisible format (bidi) characters."""
    return any(
        (unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") and ch not in allowed)
        or (unicodedata.category(ch) == "Cf" and ch not in JOINERS)
        for ch in text
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
def test_any_typed_text_is_stored_clean_and_exported_as_text(tmp_path_factory, texts):
    clock = FakeClock(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    workspace = Workspace(resolve_paths(tmp_path_factory.mktemp("paths")), clock)
    workspace.initialise(console_id="prop", lead_name="Lead", time_zone="Asia/Shanghai")
    store = workspace.store
    incident = actions.open_incident(store, workspace.plan("power-outage"))
    stored = []
    for text in texts:
        clock.advance(5)
        try:
            stored.append(actions.log(store, incident, text).payload["text"])
        except UserError as exc:
            assert "empty" in str(exc) or f"limit is {LOG_ENTRY_LIMIT}" in str(exc)
    timeline = [e.text for e in queries.timeline(store, incident)]
    for text in stored:
        assert text in timeline and not _has_forbidden(text) and "\n" not in text
    now = clock.now()
    record = exports.collect(
        store,
        exports.site_of(workspace.config),
        shift.shift_window(store, now, since=now.replace(hour=0, minute=0)),
        now,
    )
    for fmt in exports.FORMATS:
        output = exports.render(record, fmt).decode("utf-8")
        assert not _has_forbidden(output, allowed="\n\r\t"), fmt
    exported = json.dumps(json.loads(exports.render(record, "json")), ensure_ascii=False)
    for text in stored:
        assert json.dumps(text, ensure_ascii=False)[1:-1] in exported
    workspace.close()
