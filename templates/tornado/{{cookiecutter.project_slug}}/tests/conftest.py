"""A migrated database of its own for each test, on SQLite or PostgreSQL, and a Redis server.

Tests run on SQLite, or on PostgreSQL with ``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL``: see migrated_databases.py.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import database, settings

from .migrated_databases import MigratedDatabases

# Read once, before the autouse fixture below clears the prefix from the environment.
TEST_DATABASE_URL = os.environ.get(settings.env_var("TEST_DATABASE_URL"))
REDIS_SERVER = shutil.which("redis-server")


def migrate(url: str) -> None:
    asyncio.run(database.migrate(settings.check_database_url(url)))


@pytest.fixture(scope="session")
def databases() -> Iterator[MigratedDatabases]:
    databases = MigratedDatabases(TEST_DATABASE_URL, migrate)
    yield databases
    databases.close()


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The developer's settings do not leak in, nor the tests into var/. The database named
    here is never migrated: a test that needs one asks for ``database_url``."""
    for name in list(os.environ):
        if name.startswith(settings.PREFIX):
            monkeypatch.delenv(name)
    unmigrated = f"sqlite:///{tmp_path / 'unmigrated.sqlite3'}"
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), unmigrated)


@pytest.fixture
def database_url(
    isolated_environment: None, monkeypatch: pytest.MonkeyPatch, databases: MigratedDatabases
) -> Iterator[str]:
    """A migrated database of the test's own, in ``{{ cookiecutter.__env_prefix }}DATABASE_URL`` (on PostgreSQL
    a clone per test: only the tests that use one pay for it)."""
    url = databases.create()
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), url)
    yield url
    databases.remove(url)


def free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free port of 127.0.0.1, for this test run only."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_tcp_port()
    pid_file = tmp_path_factory.mktemp("redis") / "redis.pid"
    # Daemonized, so it is not a child of the test process (the worker tests reap children).
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--daemonize", "yes", "--pidfile", str(pid_file)]
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, timeout=30)
    deadline = time.monotonic() + 10
    while not pid_file.exists():
        if time.monotonic() > deadline:
            raise AssertionError("redis-server did not start")
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    os.kill(int(pid_file.read_text()), signal.SIGTERM)
