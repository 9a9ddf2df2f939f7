"""Sites travel on shift.start, and the board reads every console's state from the local
database: three real consoles synced through a real shared folder."""

from __future__ import annotations

import json

from command_console.core.op_schema import payload_problem
from command_console.data import shift
from command_console.data.board import late_label, read_board
from tests.board.conftest import HOSTILE_SITE

ALPHA_SITE = "热线中心 Hotline Centre, 3F Building A"
BRAVO_SITE = "North [bold]Hall[/] red, Pudong"  # markup kept literally, the escape dropped


def test_sites_travel_through_the_share_and_group_the_board(synced):
    consoles, ids = synced
    alpha = consoles["alpha"]
    stored = [
        json.loads(r.payload)
        for r in alpha.store.rows(
            "SELECT payload FROM ops WHERE kind = 'shift.start' AND console_id = 'bravo'"
        )
    ]
    assert [op.get("site") for op in stored] == [
        {"name": "North Hall", "location": "Pudong"},  # from bravo's config.toml
        {"name": HOSTILE_SITE, "location": "Pudong"},  # as the peer sent it
    ]
    board = read_board(alpha.store, alpha.clock.now())
    assert [s.site for s in board.sites] == ["charlie", BRAVO_SITE, ALPHA_SITE]
    by_site = {s.site: s for s in board.sites}
    assert [(o.console_id, o.lead) for o in by_site[BRAVO_SITE].on_shift] == [
        ("bravo", "Wang Fang 王芳")
    ]
    assert [b.incident.id for b in board.incidents if b.site == BRAVO_SITE] == [
        ids["drill"],
        ids["surge"],  # the drill (major) before the serious one
    ]
    alpha_site = by_site[ALPHA_SITE]
    assert [(sev.value, n) for sev, n in alpha_site.open_by_severity] == [
        ("critical", 1),
        ("serious", 1),
    ]
    assert alpha_site.late_steps >= 1 and alpha_site.late_reports >= 1
    assert by_site[BRAVO_SITE].drills == 1 and by_site["charlie"].open_by_severity == ()
    # Every console sees the same board (the data came through the share, not from here).
    bravo = consoles["bravo"]
    assert [s.site for s in read_board(bravo.store, bravo.clock.now()).sites] == [
        "charlie",
        BRAVO_SITE,
        ALPHA_SITE,
    ]


def test_a_shift_start_without_a_site_stays_valid_and_folds(merged):
    viewer, _ids = merged
    assert payload_problem("shift.start", {"id": "charlie-1a2b3c", "lead": "Zhao"}) is None
    assert (
        payload_problem(
            "shift.start",
            {"id": "bravo-1a2b3c", "lead": "W", "site": {"name": "A", "location": "B"}},
        )
        is None
    )
    too_long = {"id": "bravo-1a2b3c", "lead": "W", "site": {"name": "x" * 201}}
    assert payload_problem("shift.start", too_long).startswith("site.name:")
    extra = {"id": "bravo-1a2b3c", "lead": "W", "site": {"name": "A", "floor": 3}}
    assert payload_problem("shift.start", extra).startswith("site.floor:")
    # charlie (no site in config) wrote no site; its shift folded here like any other.
    payload = json.loads(
        viewer.store.rows(
            "SELECT payload FROM ops WHERE kind = 'shift.start' AND console_id = 'charlie'"
        )[0][0]
    )
    assert "site" not in payload
    lead = viewer.store.rows("SELECT lead FROM shifts WHERE console_id = 'charlie'")[0][0]
    assert lead == "Zhao"


def test_a_handover_carries_the_site_the_config_names_now(merged):
    viewer, _ids = merged
    viewer.store.site = ("Hall B", "2F")  # config.toml changed: the next shift says so
    shift.handover(viewer.store, outgoing="Lead Li 李", incoming="Chen 陈")
    board = read_board(viewer.store, viewer.clock.now())
    hall = next(s for s in board.sites if s.site == "Hall B, 2F")
    assert [(o.console_id, o.lead) for o in hall.on_shift] == [("alpha", "Chen 陈")]
    assert ALPHA_SITE not in [s.site for s in board.sites if s.on_shift]


def test_late_label_reads_to_the_minute():
    assert [late_label(s) for s in (0, 59, 26 * 60, 116 * 60, 2 * 86400 + 3 * 3600)] == [
        "",
        "+0m",
        "+26m",
        "+1h56m",
        "+2d3h",
    ]
