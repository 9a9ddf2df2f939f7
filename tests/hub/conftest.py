"""Fixtures of the hub tests: one real PostgreSQL cluster per xdist worker (tests/hub/pg_server.py)
and a fresh database per test, so tests stay isolated without paying for initdb each time.

Never skipped: without server binaries every hub test fails with the reason (.ci/run
installs Debian's postgresql package).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.hub.pg_server import BinariesMissing, PgCluster, reap_orphans

PASSWORD = "hub-test-secret"  # noqa: S105  (a throwaway cluster) every test role's password, given by PGPASSWORD or a pgpass file


def _cluster_or_fail(name: str) -> PgCluster:
    try:
        reap_orphans()
        return PgCluster.create(name)
    except BinariesMissing as exc:
        pytest.fail(f"hub tests need PostgreSQL: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def pg_cluster():
    """The worker's cluster, started once (about 1.5 s)."""
    cluster = _cluster_or_fail(os.environ.get("PYTEST_XDIST_WORKER", "main"))
    yield cluster
    cluster.close()


@pytest.fixture
def pg(pg_cluster):
    """The worker's cluster, running (a test that stopped it and failed leaves it running again)."""
    if not pg_cluster.running:
        pg_cluster.start()
    yield pg_cluster
    if not pg_cluster.running:
        pg_cluster.start()


@pytest.fixture
def make_cluster():
    """make(name) -> a further cluster of this test's own (failover), closed afterwards."""
    made: list[PgCluster] = []

    def make(name: str = "extra", standby_of: PgCluster | None = None) -> PgCluster:
        cluster = PgCluster.standby_of(standby_of, name) if standby_of else _cluster_or_fail(name)
        made.append(cluster)
        return cluster

    yield make
    for cluster in reversed(made):
        cluster.close()


@dataclass
class HubDb:
    """One test's hub database in a cluster, and the login roles made for it."""

    cluster: PgCluster
    dbname: str
    roles: list[str] = field(default_factory=list)

    @property
    def admin_url(self) -> str:
        return self.cluster.admin_url(self.dbname)

    def url(self, role: str) -> str:
        return self.cluster.url(role, self.dbname)

    def role(self, name: str) -> str:
        """A login role (password PASSWORD) whose name is unique in the cluster."""
        full = f"{self.dbname}_{name}"
        self.cluster.create_login_role(full, PASSWORD)
        self.roles.append(full)
        return full

    def connect(self, role: str) -> psycopg.Connection:
        """As that role over TCP with its password (scram), autocommit."""
        return psycopg.connect(self.url(role), password=PASSWORD, autocommit=True)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_url, autocommit=True)

    def count(self, table: str = "ops") -> int:
        with self.admin() as conn:
            query = sql.SQL("SELECT count(*) FROM command_console.{}").format(sql.Identifier(table))
            row = conn.execute(query).fetchone()
            assert row is not None
            return int(row[0])

    def drop(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.cluster.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        for role in self.roles:
            with contextlib.suppress(psycopg.Error):
                self.cluster.execute(f'DROP ROLE IF EXISTS "{role}"')


def new_hub_db(cluster: PgCluster) -> HubDb:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # Not a counter: pytest loads this file as `conftest` and the tests import it as
    # `tests.hub.conftest`, two modules whose counters both start at 1 in one worker.
    db = HubDb(cluster, f"hub_{worker}_{uuid.uuid4().hex[:12]}")
    cluster.execute(f'CREATE DATABASE "{db.dbname}"')
    return db


@pytest.fixture
def hub_db(pg, monkeypatch):
    """A fresh, empty database in the worker's cluster; PGPASSWORD set for the test roles
    (the CLI subprocesses inherit it)."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    monkeypatch.delenv("PGPASSFILE", raising=False)
    db = new_hub_db(pg)
    yield db
    db.drop()


def write_pgpass(path: Path, cluster: PgCluster, dbname: str, role: str) -> Path:
    """A libpq password file (mode 0600, or libpq ignores it)."""
    path.write_text(f"127.0.0.1:{cluster.port}:{dbname}:{role}:{PASSWORD}\n", encoding="utf-8")
    path.chmod(0o600)
    return path
