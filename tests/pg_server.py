"""A throw-away PostgreSQL server for the tests and the benchmark: initdb in a temporary folder,
``pg_ctl start`` on a free loopback port, trust authentication, stopped and deleted at the end.

PostgreSQL refuses to run as root, so under root the server runs as ``nobody`` (the folder is
handed to that user). The binaries come from Debian's ``postgresql`` package (``make postgres``
installs it) or any ``initdb`` on PATH.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

UNPRIVILEGED = "nobody"


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (the newest Debian version, else PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_reason() -> str | None:
    """Why no server can be started here (None: it can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    if find_bindir() is None:
        return "the PostgreSQL server binaries are not installed (make postgres)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A running server; :meth:`create_database` gives each test its own database."""

    def __init__(self, folder: Path, port: int, user: str, bindir: Path) -> None:
        self.folder, self.port, self.user, self.bindir = folder, port, user, bindir
        self._count = 0

    def dsn(self, dbname: str = "postgres") -> str:
        """A DSN for a database of this server."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its DSN."""
        import psycopg

        self._count += 1
        name = name or f"t{os.getpid()}_{self._count}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)


def _stop(data: Path) -> None:
    """Immediate shutdown (SIGQUIT to the postmaster), waiting until it is gone."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGQUIT)
    except (OSError, ValueError, IndexError):
        return
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.02)


@contextlib.contextmanager
def running_server(*, fsync: bool = False) -> Iterator[PostgresServer]:
    """Start a server (``fsync`` off by default: the tests kill clients, not the server)."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found")
    as_root = os.geteuid() == 0
    user = UNPRIVILEGED if as_root else pwd.getpwuid(os.geteuid()).pw_name
    folder = Path(tempfile.mkdtemp(prefix="mbo-vc-pg-"))
    data = folder / "data"
    run_as: dict[str, str] = {}
    if as_root:
        entry = pwd.getpwnam(UNPRIVILEGED)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        run_as = {"user": UNPRIVILEGED}
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "PGTZ": "UTC"}

    def run(*cmd: str) -> None:
        proc = subprocess.run(
            cmd, cwd=folder, env=env, capture_output=True, text=True, check=False, **run_as
        )  # type: ignore[call-overload]
        if proc.returncode != 0:
            log = folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{cmd[0]} failed: {proc.stderr.strip()} {tail}")

    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
        f"-c fsync={'on' if fsync else 'off'} -c max_connections=60"
    )
    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8",
            "--no-sync")  # fmt: skip
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
            "-o", options, "-w", "-t", "60", "start")  # fmt: skip
        try:
            yield PostgresServer(folder, port, user, bindir)
        finally:
            _stop(data)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
