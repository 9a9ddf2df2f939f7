"""Throwaway PostgreSQL clusters for the hub tests: real server binaries, never a mock.

`PgCluster()` runs initdb into a fresh directory under /tmp, listens on 127.0.0.1 on a
free port (and on a Unix socket in its own directory), and is started and stopped with
pg_ctl. `standby_of(primary)` makes a streaming standby with pg_basebackup -R.

Authentication, as a hub in production would have it:
  - Unix socket: trust (the harness's own admin connections, `admin_url`);
  - 127.0.0.1 replication: trust for the superuser (pg_basebackup, the standby's stream);
  - 127.0.0.1 anything else: scram-sha-256, so a console's role must bring its password
    from PGPASSWORD or a pgpass file; nothing in a URL (`url()` never holds one).

initdb refuses to run as root: when euid is 0 the server commands run as the OS user
`postgres` and the cluster directory belongs to it. The binaries come from CC_PG_BINDIR,
else `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin; with none of them the
caller gets BinariesMissing (the fixtures turn it into a failure, never a skip: .ci/run
installs them).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

SUPERUSER = "postgres"
SERVER_USER = "postgres"  # the OS user that runs the server when we are root
START_TIMEOUT_S = 30

SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",  # the bench runs 50 consoles with a few connections each
    "shared_buffers": "32MB",
    # Crash safety against a killed *server process* stays whole without fsync (the OS
    # keeps the pages); only a machine crash would need it, and these clusters die with
    # the test. It makes initdb, CREATE DATABASE and checkpoints fast.
    "fsync": "off",
    "full_page_writes": "off",
    "wal_level": "replica",
    "max_wal_senders": "5",
    "wal_keep_size": "64MB",
    "hot_standby": "on",
    "logging_collector": "off",
    "log_min_messages": "warning",
}


OWNER_FILE = "owner.pid"  # the test process that made the cluster (reap_orphans)


def reap_orphans(bindir: Path | None = None) -> int:
    """Stop and remove clusters whose test process died without closing them (a killed
    pytest worker leaves its server running). Returns how many were reaped."""
    reaped = 0
    for owner in Path("/tmp").glob(f"cc-pg-*/{OWNER_FILE}"):
        try:
            pid = int(owner.read_text(encoding="utf-8"))
            os.kill(pid, 0)
            continue  # its owner is alive
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue
        cluster = PgCluster.__new__(PgCluster)
        cluster.bindir, cluster.dir = bindir or find_bindir(), owner.parent
        cluster.data, cluster.running = owner.parent / "data", True
        cluster.close()
        reaped += 1
    return reaped


class BinariesMissing(RuntimeError):
    pass


def find_bindir() -> Path:
    """Where initdb, pg_ctl, postgres and pg_basebackup are."""
    wanted = os.environ.get("CC_PG_BINDIR")
    if wanted:
        if not (Path(wanted) / "initdb").exists():
            raise BinariesMissing(f"CC_PG_BINDIR={wanted} holds no initdb")
        return Path(wanted)
    candidates: list[Path] = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, timeout=10, check=True
        )
        candidates.append(Path(out.stdout.strip()))
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise BinariesMissing(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install Debian's "
        "'postgresql' package (.ci/run does) or set CC_PG_BINDIR to their directory"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_root() -> bool:
    return os.geteuid() == 0


class PgCluster:
    """One PostgreSQL cluster in its own directory under /tmp (removed by `close()`)."""

    def __init__(self, name: str = "hub", bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.dir = Path(tempfile.mkdtemp(prefix=f"cc-pg-{name}-", dir="/tmp"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self.running = False
        if _as_root():
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        os.chmod(self.dir, 0o755)  # noqa: S103 the socket lives here; root and the tests must reach it
        (self.dir / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")

    # -- life cycle ------------------------------------------------------------------

    @classmethod
    def create(cls, name: str = "hub", bindir: Path | None = None) -> PgCluster:
        """initdb and start; on a port taken in the meantime, try another."""
        cluster = cls(name, bindir)
        try:
            cluster.initdb()
            cluster.start_on_a_free_port()
        except BaseException:
            cluster.close()
            raise
        return cluster

    def initdb(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self.write_hba()
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# tests/hub/pg_server.py\n")
            conf.writelines(f"{key} = {value}\n" for key, value in SETTINGS.items())
        self.write_local_settings()

    def write_hba(self) -> None:
        (self.data / "pg_hba.conf").write_text(
            "# tests/hub/pg_server.py: admin over the socket, roles by password over TCP\n"
            "local all all trust\n"
            f"host replication {SUPERUSER} 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n",
            encoding="utf-8",
        )

    def write_local_settings(self) -> None:
        """Port and socket directory: in postgresql.auto.conf, which a base backup copies
        and a standby then overrides with its own (the last setting wins)."""
        with open(self.data / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.port}\nunix_socket_directories = '{self.dir}'\n")

    def start_on_a_free_port(self, attempts: int = 5) -> None:
        for attempt in range(attempts):
            try:
                self.start()
                return
            except RuntimeError:
                if attempt == attempts - 1 or "could not" not in self.log_tail():
                    raise
                self.port = free_port()  # another worker took it between bind and start
                self.write_local_settings()

    def start(self) -> None:
        proc = self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"pg_ctl start failed ({proc.returncode}): {proc.stdout}{proc.stderr}\n"
                f"{self.log_tail()}"
            )
        self.running = True
        self.wait_ready()

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.admin_url(), connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self, mode: str = "fast") -> None:
        """fast: clients are disconnected, a clean shutdown; immediate: as if the server
        crashed (recovery at the next start)."""
        assert mode in ("smart", "fast", "immediate"), mode
        self._run("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.data), check=False)
        self.running = False

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def promote(self) -> None:
        self._run("pg_ctl", "promote", "-w", "-t", str(START_TIMEOUT_S), "-D", str(self.data))
        deadline = time.monotonic() + START_TIMEOUT_S
        while self.scalar("SELECT pg_is_in_recovery()"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"standby on port {self.port} still in recovery after promote")
            time.sleep(0.05)

    def close(self) -> None:
        if self.running:
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    @classmethod
    def standby_of(cls, primary: PgCluster, name: str = "standby") -> PgCluster:
        """A streaming standby of `primary` on loopback (pg_basebackup -R), started."""
        standby = cls(name, primary.bindir)
        try:
            standby._run(
                "pg_basebackup",
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                SUPERUSER,
                "-D",
                str(standby.data),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
                "--no-sync",
            )
            standby.write_local_settings()
            standby.start()
        except BaseException:
            standby.close()
            raise
        return standby

    # -- connections -------------------------------------------------------------------

    def url(self, user: str, dbname: str = "postgres") -> str:
        """What a console is given: TCP on loopback, no password (scram from the environment)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def admin_url(self, dbname: str = "postgres") -> str:
        """The superuser over the Unix socket (trust): for the harness and `hub init`."""
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.dir}&port={self.port}"

    def execute(self, sql: str, params: tuple = (), dbname: str = "postgres") -> None:
        with psycopg.connect(self.admin_url(dbname), autocommit=True) as conn:
            conn.execute(sql, params)  # type: ignore[arg-type]  # our own literal SQL

    def scalar(self, sql: str, params: tuple = (), dbname: str = "postgres"):
        with psycopg.connect(self.admin_url(dbname), autocommit=True) as conn:
            row = conn.execute(sql, params).fetchone()  # type: ignore[arg-type]
            return row[0] if row else None

    def create_login_role(self, name: str, password: str) -> None:
        from psycopg import sql

        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(password)
                )
            )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- running the binaries ------------------------------------------------------------

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / tool), *args]
        if _as_root():
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=self.dir,
            env=env,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(
                f"{tool} exited {proc.returncode}: {proc.stderr.strip() or proc.stdout.strip()}"
            )
        return proc
