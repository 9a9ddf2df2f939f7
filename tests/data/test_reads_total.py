"""Reads are total over whatever the database holds: unknown values show as they are,
stored escape sequences never reach the screen, the CLI or an export."""

from __future__ import annotations

from command_console.data import actions, queries
from command_console.workspace import Workspace
from tests.sync.conftest import run_cli_in_process

ESC_TITLE = "Fire \x1b]52;c;cm0gLXJmIH4=\x07 3F \x1b[2J\u202e"


def _damaged(tmp_path):
    workspace = Workspace.open(tmp_path / "d")
    store = workspace.store
    incident = actions.open_incident(store, workspace.plan("power"))
    actions.log(store, incident, "a line")
    with store.transaction() as conn:  # what an older version, or a hand edit, left behind
        conn.execute(
            "UPDATE incidents SET severity = 'apocalyptic', status = 'limbo', title = ? WHERE id = ?",
            (ESC_TITLE, incident),
        )
        conn.execute("UPDATE steps SET state = 'weird' WHERE incident_id = ?", (incident,))
        conn.execute(
            "UPDATE entries SET kind = 'rumour', author = ? WHERE incident_id = ?",
            ("\x1b[31mX", incident),
        )
        conn.execute("UPDATE contacts SET roles = 'not json', name = ?", ("Wang\x1b[2J",))
    workspace.close()
    return tmp_path / "d", incident


def test_queries_read_unknown_values_as_they_are_and_clean_text(tmp_path):
    data_dir, incident = _damaged(tmp_path)
    store = Workspace.open(data_dir).store
    found = queries.get_incident(store, incident)
    assert (
        found.severity == "apocalyptic"
        and found.status == "limbo"
        and found.steps[0].state == "weird"
    )
    assert "\x1b" not in found.title and "\u202e" not in found.title and "3F" in found.title
    assert queries.list_incidents(store, include_resolved=True)
    entries = queries.timeline(store, incident)
    assert {e.kind for e in entries} == {"rumour"} and all("\x1b" not in e.author for e in entries)
    assert all("\x1b" not in c.name and c.roles == {} for c in queries.list_contacts(store))


def test_cli_reads_and_exports_do_not_crash_or_pass_escapes(tmp_path):
    data_dir, incident = _damaged(tmp_path)
    for args in (
        ["incident", "list", "--all"],
        ["incident", "show", incident],
        ["timeline", incident],
        ["contacts", "list"],
        ["export", "-f", "md", "--out", "-"],
        ["export", "-f", "csv", "--out", "-"],
        ["export", "-f", "json", "--out", "-"],
        ["export", "-f", "html", "--out", "-"],
    ):
        proc = run_cli_in_process(data_dir, *args, check=False)  # stdout a pipe, as a process's
        assert proc.returncode == 0, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and "\x1b" not in proc.stdout, args
