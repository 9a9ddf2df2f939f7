"""Least privilege in the hub (issue #16): a console's database role may insert only its own
console's rows (row-level security), may update or delete nothing, and may read everything.
Each refusal is checked against a control: the same statement by a role that is allowed
succeeds, so the refusal comes from the privilege and not from a malformed row."""

from __future__ import annotations

import json

import psycopg
import pytest
from psycopg import errors

from command_console.data import actions
from command_console.data.sync.hub_admin import hub_grant
from tests.hub.conftest import PASSWORD, new_hub_db
from tests.hub.hubtools import new_console, open_console, prepare_hub

INSERT_OP = "INSERT INTO command_console.ops (console_id, seq, record) VALUES (%s, %s, %s)"
TABLES = ("ops", "consoles", "publishers", "hub_meta")


@pytest.fixture(scope="module")
def hub_db(pg_cluster):
    """One hub for the module: its tests only read, and roll back what they write."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PGPASSWORD", PASSWORD)
        db = new_hub_db(pg_cluster)
        yield db
        db.drop()


@pytest.fixture(scope="module")
def published(hub_db, tmp_path_factory):
    """Two consoles, each with its role, that have published a few ops through the hub; a
    bridge role granted '*'."""
    prepare_hub(hub_db)
    made = []
    for name in ("a", "b"):
        console = new_console(hub_db, tmp_path_factory.mktemp("hub"), name)
        workspace, syncer = open_console(console)
        incident = actions.open_incident(workspace.store, workspace.plan("power"))
        actions.log(workspace.store, incident, f"from {name}")
        assert syncer.sync_once(wait=True).hub_ok
        made.append((console, workspace))
    hub_grant(hub_db.admin_url, hub_db.role("bridge"), ["*"])
    yield made
    for _, workspace in made:
        workspace.close()


def _forged_row(conn, console_id: str) -> tuple[str, int, str]:
    """A row of that console as the hub would accept it (its record names its console and a
    fresh seq), for a role that may publish that console."""
    seq, record = conn.execute(
        "SELECT seq, record FROM command_console.ops WHERE console_id = %s ORDER BY seq DESC LIMIT 1",
        (console_id,),
    ).fetchone()
    value = json.loads(record)
    value["seq"] = seq + 1000
    return console_id, seq + 1000, json.dumps(value)


def test_a_console_role_cannot_insert_another_consoles_rows(hub_db, published):
    (a, _), (b, _) = published
    with hub_db.connect(b.role) as as_b, hub_db.connect(a.role) as as_a:
        row = _forged_row(as_b, a.console_id)
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            as_b.execute(INSERT_OP, row)
        with as_a.transaction(force_rollback=True):  # control: a's own role may
            assert as_a.execute(INSERT_OP, row).rowcount == 1
        own = _forged_row(as_b, b.console_id)
        with as_b.transaction(force_rollback=True):  # and b may insert b's
            assert as_b.execute(INSERT_OP, own).rowcount == 1
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            as_b.execute(  # nor register a console it was not granted
                "INSERT INTO command_console.consoles (console_id, public_key) VALUES (%s, %s)",
                ("zz99", "a-key"),
            )


def test_no_console_role_may_update_delete_or_grant_itself(hub_db, published):
    (a, _), (b, _) = published
    bridge = f"{hub_db.dbname}_bridge"
    before = hub_db.count()
    statements = [
        *(f"UPDATE command_console.{t} SET {c} = {c}" for t, c in _columns()),
        *(f"DELETE FROM command_console.{t}" for t in TABLES),
        *(f"TRUNCATE command_console.{t} CASCADE" for t in TABLES),
        "INSERT INTO command_console.publishers (role_name, console_id) VALUES (current_user, '*')",
        "ALTER TABLE command_console.ops DISABLE ROW LEVEL SECURITY",
        "DROP TABLE command_console.ops",
    ]
    for role in (a.role, b.role, bridge):
        with hub_db.connect(role) as conn:
            for statement in statements:
                with pytest.raises(errors.InsufficientPrivilege):
                    conn.execute(statement)
    assert hub_db.count() == before
    with hub_db.admin() as conn, conn.transaction(force_rollback=True):
        for statement in ("UPDATE command_console.hub_meta SET value = value", *statements[4:]):
            conn.execute(statement)  # control: valid statements, that the owner may run


def _columns() -> list[tuple[str, str]]:
    return [
        ("ops", "record"),
        ("consoles", "public_key"),
        ("publishers", "console_id"),
        ("hub_meta", "value"),
    ]


def test_every_role_reads_all_rows_and_a_bridge_may_publish_any_console(hub_db, published):
    (a, _), (b, _) = published
    bridge = f"{hub_db.dbname}_bridge"
    total = hub_db.count()
    assert total > 0
    for role in (a.role, b.role, bridge):
        with hub_db.connect(role) as conn:
            rows = conn.execute(
                "SELECT console_id, count(*) FROM command_console.ops GROUP BY 1 ORDER BY 1"
            ).fetchall()
            assert sum(n for _, n in rows) == total
            assert {c for c, _ in rows} == {a.console_id, b.console_id}
    with hub_db.connect(bridge) as conn, conn.transaction(force_rollback=True):
        for console in (a, b):
            assert conn.execute(INSERT_OP, _forged_row(conn, console.console_id)).rowcount == 1


def test_a_role_outside_the_group_reads_nothing(hub_db, published):
    stranger = hub_db.role("stranger")  # a login role never granted
    with hub_db.connect(stranger) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute("SELECT count(*) FROM command_console.ops")


def test_the_console_role_url_holds_no_password(hub_db, published, monkeypatch):
    (a, workspace), _ = published
    assert workspace.config.sync_url == hub_db.url(a.role)
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(psycopg.OperationalError, match="no password supplied"):
        psycopg.connect(workspace.config.sync_url).close()
