"""The console's connection to the hub: a server restart between passes costs nothing, and a
role that lacks its grant is told so (not "unavailable")."""

from __future__ import annotations

from command_console.core.clock import SystemClock
from command_console.data.sync import Syncer
from command_console.data.sync.hub import HubLink
from command_console.workspace import Workspace
from tests.hub.hubtools import prepare_hub


def test_a_restart_between_passes_is_not_an_outage(hub_db):
    prepare_hub(hub_db)
    link = HubLink(hub_db.admin_url)
    try:
        assert link.heads() == []
        hub_db.cluster.restart("fast")  # kills the connection the link holds
        assert link.heads() == []  # replaced and tried again, not an error
    finally:
        link.close()


def test_a_role_without_its_grant_is_refused_by_name_not_unavailable(hub_db, tmp_path):
    prepare_hub(hub_db)
    role = hub_db.role("ungranted")
    workspace = Workspace.open(tmp_path / "a", SystemClock())
    workspace.initialise(sync_url=hub_db.url(role))
    syncer = Syncer(workspace)
    try:
        result = syncer.sync_once(wait=True)
        assert not result.hub_ok
        assert result.hub_state == "hub refused"
        assert any("hub grant" in line for line in result.problems), result.problems
        assert syncer.status_text().split(" · ")[0] == "hub refused"
    finally:
        syncer.close()
        workspace.close()


def test_heads_of_an_altered_hub_are_checked_at_the_door(hub_db):
    """A hub whose CHECKs were dropped could hand out any console id or key: the link keeps
    only ids and keys this console would accept from a shared folder."""
    prepare_hub(hub_db)
    good_key = "A" * 43 + "="  # 32 bytes, base64
    with hub_db.admin() as conn:
        conn.execute(
            "ALTER TABLE command_console.consoles DROP CONSTRAINT consoles_console_id_check"
        )
        conn.execute(
            "INSERT INTO command_console.consoles (console_id, public_key) VALUES "
            "('good', %s), ('EVIL\x1b]0;x', %s), ('badkey', 'not a key')",
            (good_key, good_key),
        )
    link = HubLink(hub_db.admin_url)
    try:
        assert [(h.console_id, h.public_key) for h in link.heads()] == [("good", good_key)]
    finally:
        link.close()
