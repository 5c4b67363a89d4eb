"""A migrated database of its own for each test, on SQLite or PostgreSQL, and a Redis server.

Tests run on SQLite. With ``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL=postgresql://user@host/db`` they run on
PostgreSQL instead: that database is the maintenance connection, and each test gets its own
database, cloned from one migrated template (the user needs the CREATEDB privilege).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from {{ cookiecutter.package_name }} import database, settings

# Read once, before the autouse fixture below clears the prefix from the environment.
TEST_DATABASE_URL = os.environ.get(settings.env_var("TEST_DATABASE_URL"))
REDIS_SERVER = shutil.which("redis-server")


def migrate(url: str) -> None:
    asyncio.run(database.migrate(settings.check_database_url(url)))


class PostgresDatabases:
    """Per-test databases cloned from a migrated template (CREATE DATABASE ... TEMPLATE)."""

    def __init__(self, url: str) -> None:
        self.admin = settings.check_database_url(url, "TEST_DATABASE_URL")
        self.prefix = f"test_{os.getpid()}"
        self.names = itertools.count()
        self.template = self.prefix + "_template"
        self.drop(self.template)
        self.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.template)))
        migrate(self.url(self.template))

    def url(self, name: str) -> str:
        return self.admin.parts._replace(path=f"/{name}").geturl()

    def execute(self, statement: sql.Composed) -> None:
        # CREATE/DROP DATABASE cannot run inside a transaction.
        with psycopg.connect(self.admin.url, autocommit=True) as connection:
            connection.execute(statement)

    def create(self) -> str:
        name = f"{self.prefix}_{next(self.names)}"
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
        self.execute(statement.format(sql.Identifier(name), sql.Identifier(self.template)))
        return name

    def drop(self, name: str) -> None:
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self.execute(statement.format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    if not TEST_DATABASE_URL:
        yield None
        return
    databases = PostgresDatabases(TEST_DATABASE_URL)
    yield databases
    databases.drop(databases.template)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy, which is faster than migrating."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(autouse=True)
def database_url(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    postgres_databases: PostgresDatabases | None,
    sqlite_template: Path,
) -> Iterator[str]:
    """A migrated database of the test's own, in ``{{ cookiecutter.__env_prefix }}DATABASE_URL``; the developer's
    settings do not leak in, nor the tests into var/."""
    for name in list(os.environ):
        if name.startswith(settings.PREFIX):
            monkeypatch.delenv(name)
    if postgres_databases is None:
        path = tmp_path / "app.sqlite3"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        name = postgres_databases.create()
        url = postgres_databases.url(name)
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), url)
    yield url
    if postgres_databases is not None:
        postgres_databases.drop(name)


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
