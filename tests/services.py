"""Real PostgreSQL and Redis servers for the tests, each on a free port of 127.0.0.1.

Each server lives in a temporary directory of its own, removed when it stops; nothing is installed
as a system service and nothing is written elsewhere. PostgreSQL refuses to run as root and CI runs
as root: there its commands run as the ``postgres`` user (``runuser``), who owns the directory.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
SERVICE_USER = "postgres"
START_ATTEMPTS = 3  # a free port can be taken between choosing it and binding it
REDIS_DATABASES = 16  # Redis's default number of logical databases


class ServiceError(RuntimeError):
    """A server could not be found, started or stopped."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _run(command: list[str], cwd: Path, timeout: float = 60) -> None:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise ServiceError(f"{' '.join(command)} exited {result.returncode}:\n{output}")


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def postgres_bindir() -> Path:
    """Where ``initdb`` and ``pg_ctl`` are: PATH, else Debian's versioned directory, else
    ``pg_config --bindir`` (Debian's postgresql package keeps them off PATH)."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            result = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            )
            candidates.append(result.stdout.strip())
    for candidate in candidates:
        if (Path(candidate) / "pg_ctl").is_file() and (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    raise ServiceError("PostgreSQL is not installed (Debian: apt-get install postgresql)")


def as_service_user() -> list[str]:
    """The command prefix that runs a PostgreSQL server command as a non-root user."""
    return ["runuser", "-u", SERVICE_USER, "--"] if os.geteuid() == 0 else []


def _make_root(prefix: str, owner: str | None) -> Path:
    # The system temporary directory, not pytest's: the postgres user cannot enter pytest's
    # private base directory.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if owner:
        shutil.chown(root, owner, owner)
    return root


@dataclass
class PostgresServer:
    """One PostgreSQL cluster with trust authentication for the ``postgres`` role."""

    bindir: Path
    root: Path
    port: int = 0
    _names: Iterator[int] = field(default_factory=itertools.count)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database with a name unique in this cluster; its URL."""
        name = f"test_{next(self._names)}"
        client = [str(self.bindir / "createdb"), "-h", HOST, "-p", str(self.port), "-U", "postgres"]
        _run([*client, name], self.root)
        return self.url(name)

    def pg_ctl(self, *args: str, timeout: float = 60) -> None:
        _run(
            [*as_service_user(), str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), *args],
            self.root,
            timeout,
        )

    def start(self) -> None:
        initdb = [str(self.bindir / "initdb"), "-D", str(self.data_dir), "-A", "trust"]
        # Throwaway data: no fsync, no locale dependence.
        initdb += ["-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]
        _run([*as_service_user(), *initdb], self.root, 120)
        for attempt in range(START_ATTEMPTS):
            self.port = free_port()
            options = f"-p {self.port} -k {self.root} -c listen_addresses={HOST} -c fsync=off"
            try:
                self.pg_ctl("-o", options, "-l", str(self.root / "server.log"), "-w", "start")
                return
            except ServiceError:
                if attempt == START_ATTEMPTS - 1:
                    raise ServiceError(self.log()) from None

    def restart(self) -> None:
        """Stop (dropping every client connection) and start again on the same port."""
        self.pg_ctl("-m", "fast", "-w", "-l", str(self.root / "server.log"), "restart")

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.is_file() else ""

    def stop(self) -> None:
        """Stop the server (forcefully if it does not stop) and remove its directory."""
        try:
            if (self.data_dir / "postmaster.pid").is_file():
                self.pg_ctl("-m", "fast", "-w", "-t", "20", "stop", timeout=30)
        except (ServiceError, subprocess.TimeoutExpired):
            self._kill_postmaster()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        """SIGQUIT is PostgreSQL's immediate shutdown; SIGKILL if even that hangs."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGQUIT)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                os.kill(pid, 0)  # raises once the process is gone
                time.sleep(0.05)
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    owner = SERVICE_USER if os.geteuid() == 0 else None
    server = PostgresServer(postgres_bindir(), _make_root("web-starters-pg-", owner))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@dataclass
class RedisServer:
    """One ``redis-server`` with persistence off; each ``new_url`` is the next logical database."""

    root: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _databases: Iterator[int] = field(default_factory=itertools.count)

    def url(self, database: int = 0) -> str:
        return f"redis://{HOST}:{self.port}/{database}"

    def new_url(self) -> str:
        """A URL on the next logical database (keys are separate; pub/sub channels are not)."""
        return self.url(next(self._databases) % REDIS_DATABASES)

    def start(self, timeout: float = 10) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServiceError("Redis is not installed (Debian: apt-get install redis-server)")
        for attempt in range(START_ATTEMPTS):
            self.port = free_port()
            command = [binary, "--port", str(self.port), "--bind", HOST, "--save", ""]
            command += ["--appendonly", "no", "--dir", str(self.root)]
            with (self.root / "server.log").open("wb") as log:
                self.process = subprocess.Popen(
                    command,
                    cwd=self.root,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            if self._wait_until_ready(timeout):
                return
            self.stop_process()
            if attempt == START_ATTEMPTS - 1:
                raise ServiceError(self.log())

    def ping(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
        return False

    def _wait_until_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process and self.process.poll() is None:
            if self.ping():
                return True
            time.sleep(0.02)
        return False

    def log(self) -> str:
        return (self.root / "server.log").read_text(errors="replace")

    def stop_process(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        try:
            self.stop_process()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running_redis() -> Iterator[RedisServer]:
    server = RedisServer(_make_root("web-starters-redis-", None))
    try:
        server.start()
        yield server
    finally:
        server.stop()
