"""A throwaway PostgreSQL server for the test session, or the one TRACKER_TEST_POSTGRES_URL names.

``initdb`` runs into a temporary folder, ``postgres`` listens on 127.0.0.1 on a free port with
durability switched off (tests never need a crash-safe server), and the folder is deleted when
the session ends. PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` system user (created when missing), and the kernel stops it if pytest dies.
"""

from __future__ import annotations

import ctypes
import glob
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL, make_url

ENV_URL = "TRACKER_TEST_POSTGRES_URL"
"""An existing server to test against (a role allowed to CREATE DATABASE), instead of our own."""
ENV_OPT_OUT = "TRACKER_TEST_SKIP_POSTGRES"
"""Set to 1 to deselect the PostgreSQL half of the suite explicitly (e.g. on a laptop)."""
SERVICE_USER = "postgres"
START_TIMEOUT = 60.0

# Durability off, and little memory: this server lives for one test session.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "unix_socket_directories": "",
    "listen_addresses": "127.0.0.1",
    "log_min_messages": "warning",
    "timezone": "UTC",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started or reached; the message says why."""


def find_pg_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``postgres``: PATH first, then Debian's layout."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _service_account() -> pwd.struct_passwd:
    """The unprivileged user the server runs as when we are root (created when missing)."""
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             SERVICE_USER],
            check=True, capture_output=True,
        )  # fmt: skip
        return pwd.getpwnam(SERVICE_USER)


def _die_with_parent() -> None:
    """In the child: ask the kernel to stop the server when pytest's process goes away."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGINT)
    except OSError:  # pragma: no cover - not Linux
        pass


WORKDIR_PREFIX = "tracker-pg-"
STALE_AFTER_SECONDS = 600


def _remove_stale_workdirs() -> None:
    """Delete folders of servers whose test session was killed (their server died with it)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*"):
        try:
            if time.time() - folder.stat().st_mtime < STALE_AFTER_SECONDS:
                continue
            pid_file = folder / "data" / "postmaster.pid"
            if pid_file.exists():
                os.kill(int(pid_file.read_text().split()[0]), 0)
                continue  # still running: another session's server
        except ProcessLookupError:
            pass
        except (OSError, ValueError, IndexError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class PostgresServer:
    """A reachable PostgreSQL server and how to make and drop databases on it."""

    url: URL
    """Admin URL (``postgresql+psycopg``) to a maintenance database on the server."""
    process: subprocess.Popen[bytes] | None = None
    workdir: Path | None = None
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _pool: list[str] = field(default_factory=list)

    def database_url(self, name: str) -> str:
        """SQLAlchemy URL of database ``name`` on this server."""
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _admin(self) -> psycopg.Connection:
        u = self.url
        return psycopg.connect(
            host=u.host, port=u.port, user=u.username, password=u.password,
            dbname=u.database, autocommit=True, connect_timeout=10,
        )  # fmt: skip

    def new_database_name(self, prefix: str = "tracker_test") -> str:
        """A database name unique to this process."""
        return f"{prefix}_{os.getpid()}_{next(self._counter)}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (optionally copied from ``template``) and return its URL."""
        sql = f'CREATE DATABASE "{name}"'
        if template:
            sql += f' TEMPLATE "{template}"'
        with self._admin() as conn:
            conn.execute(sql.encode())
        return self.database_url(name)

    def acquire_database(self) -> str:
        """An empty database for one test: a reset one from the pool, or a new one."""
        if self._pool:
            return self._pool.pop()
        name = self.new_database_name()
        self.create_database(name)
        return name

    def release_database(self, name: str) -> None:
        """Empty a test's database (much cheaper than dropping and creating one) for reuse."""
        try:
            self._reset_database(name)
        except psycopg.Error:
            self.drop_database(name)
        else:
            self._pool.append(name)

    def _reset_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(
                b"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                b"WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(f'ALTER DATABASE "{name}" RESET ALL'.encode())
        u = self.url
        with psycopg.connect(
            host=u.host, port=u.port, user=u.username, password=u.password,
            dbname=name, autocommit=True, connect_timeout=10,
        ) as conn:  # fmt: skip
            schemas = conn.execute(
                b"SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                b"AND nspname <> 'information_schema'"
            ).fetchall()
            for (schema,) in schemas:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE'.encode())
            conn.execute(b"CREATE SCHEMA public")

    def drop_pool(self) -> None:
        """Drop every pooled database."""
        while self._pool:
            self.drop_database(self._pool.pop())

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, disconnecting anyone still on it."""
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    def stop(self) -> None:
        """Stop our own server (fast shutdown) and delete its folder; a given server stays."""
        if self.process is None:
            self.drop_pool()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def _wait_until_ready(server: PostgresServer, log_file: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            break
        try:
            with server._admin() as conn:
                conn.execute(b"SELECT 1")
            return
        except psycopg.OperationalError as exc:
            last_error = exc
            time.sleep(0.1)
    log = log_file.read_text(errors="replace")[-3000:] if log_file.exists() else ""
    raise PostgresUnavailable(f"PostgreSQL did not start ({last_error}); server log:\n{log}")


def start_postgres_server() -> PostgresServer:
    """Start a fresh server in a temporary folder, or connect to TRACKER_TEST_POSTGRES_URL."""
    given = os.environ.get(ENV_URL)
    if given:
        url = make_url(given).set(drivername="postgresql+psycopg")
        server = PostgresServer(url=url)
        try:
            with server._admin() as conn:
                conn.execute(b"SELECT 1")
        except psycopg.Error as exc:
            raise PostgresUnavailable(f"{ENV_URL}={given!r} is not reachable: {exc}") from exc
        return server

    bin_dir = find_pg_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "initdb not found on PATH or in /usr/lib/postgresql/*/bin: install Debian's "
            "postgresql package (./scripts/ensure-system-deps.sh does), set "
            f"{ENV_URL} to an existing server, or set {ENV_OPT_OUT}=1 to skip those tests"
        )
    _remove_stale_workdirs()
    workdir = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
    run_as: dict[str, object] = {}
    if os.geteuid() == 0:
        account = _service_account()
        os.chown(workdir, account.pw_uid, account.pw_gid)
        run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    data_dir = workdir / "data"
    log_file = workdir / "server.log"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    init = subprocess.run(
        [str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
        capture_output=True, env=env, cwd=workdir, **run_as,  # type: ignore[call-overload]
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {init.stderr.decode(errors='replace')}")

    for attempt in range(5):
        port = _free_port()
        options = [f"-c{k}={v}" for k, v in {**SERVER_SETTINGS, "port": str(port)}.items()]
        with log_file.open("ab") as log:
            process = subprocess.Popen(
                [str(bin_dir / "postgres"), "-D", str(data_dir), *options],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir,
                preexec_fn=_die_with_parent, **run_as,  # type: ignore[call-overload]
            )  # fmt: skip
        url = URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1",
                         port=port, database="postgres")  # fmt: skip
        server = PostgresServer(url=url, process=process, workdir=workdir)
        try:
            _wait_until_ready(server, log_file)
            return server
        except PostgresUnavailable:
            # Someone may have taken the port between our probe and the server's bind.
            retry = attempt < 4 and "already in use" in log_file.read_text(errors="replace")
            if retry:
                server.workdir = None  # keep the data folder for the next attempt
            server.stop()
            if not retry:
                raise
    raise AssertionError("unreachable")
