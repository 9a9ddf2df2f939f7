"""The harness itself: scram over TCP (a role must bring its password), a pgpass file,
and a missing server that fails the hub tests instead of skipping them."""

from __future__ import annotations

import psycopg
import pytest

from tests.hub.conftest import PASSWORD, _cluster_or_fail, write_pgpass
from tests.hub.pg_server import BinariesMissing, find_bindir


def test_a_role_needs_its_password_over_tcp(hub_db, monkeypatch, tmp_path):
    role = hub_db.role("clerk")
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(psycopg.OperationalError, match="no password supplied"):
        psycopg.connect(hub_db.url(role)).close()
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(hub_db.url(role), password=PASSWORD + "x").close()
    monkeypatch.setenv(
        "PGPASSFILE", str(write_pgpass(tmp_path / "pgpass", hub_db.cluster, hub_db.dbname, role))
    )
    with psycopg.connect(hub_db.url(role)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (role,)


def test_missing_binaries_are_named(monkeypatch, tmp_path):
    monkeypatch.setenv("CC_PG_BINDIR", str(tmp_path))
    with pytest.raises(BinariesMissing, match="holds no initdb"):
        find_bindir()


def test_without_binaries_the_hub_tests_fail_not_skip(monkeypatch, tmp_path):
    monkeypatch.setenv("CC_PG_BINDIR", str(tmp_path))
    with pytest.raises(
        pytest.fail.Exception, match=r"hub tests need PostgreSQL: .*holds no initdb"
    ):
        _cluster_or_fail("probe")
