"""The fixtures of the Flask testing docs: `app`, `client` and `runner`, plus `make_app`,
`csrf_token` and an isolated, migrated database for each test.

Tests run on SQLite. With ``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL=postgresql://user@host/db`` they run on
PostgreSQL instead: that database is the maintenance connection, and each test gets its own
database, cloned from one migrated template (the user needs the CREATEDB privilege).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from psycopg import sql

from {{ cookiecutter.package_name }} import create_app, database, settings

TEST_SECRET = "test-secret-key-of-24-characters"
CSRF_INPUT = re.compile(r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)">')
# Read once, before the autouse fixture below clears the prefix from the environment.
TEST_DATABASE_URL = os.environ.get(settings.env_var("TEST_DATABASE_URL"))

MakeApp = Callable[..., Flask]


def migrate(url: str) -> None:
    app = create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": url})
    with app.app_context():
        upgrade(directory=str(database.MIGRATIONS_DIR))
        database.db.engine.dispose()


class PostgresDatabases:
    """Per-test PostgreSQL databases cloned from a migrated template (CREATE DATABASE ... TEMPLATE)."""

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


@pytest.fixture
def database_url(
    tmp_path: Path,
    postgres_databases: PostgresDatabases | None,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    """A migrated database of the test's own: changes never leak into another test."""
    if postgres_databases is None:
        path = tmp_path / "app.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    name = postgres_databases.create()
    yield postgres_databases.url(name)
    postgres_databases.drop(name)


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Settings from the developer's shell must not leak into the tests, nor tests into var/."""
    for name in list(os.environ):
        if name.startswith(settings.PREFIX):
            monkeypatch.delenv(name)
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), f"sqlite:///{tmp_path}/unmigrated.sqlite3")


@pytest.fixture
def make_app(database_url: str) -> MakeApp:
    """Build an app for an environment on the test's database, with a test secret."""

    def make(environment: str = "testing", **config: Any) -> Flask:
        config.setdefault("SECRET_KEY", TEST_SECRET)
        config.setdefault("DATABASE_URL", database_url)
        return create_app({"ENV": environment, **config})

    return make


@pytest.fixture
def app(make_app: MakeApp) -> Iterator[Flask]:
    yield make_app("testing")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def read_csrf_token() -> Callable[[FlaskClient], str]:
    """Read the form's CSRF token from the page, as a browser does; this starts the session."""

    def read(client: FlaskClient) -> str:
        match = CSRF_INPUT.search(client.get("/").get_data(as_text=True))
        assert match, "no csrf_token field on the page"
        return match.group(1)

    return read


@pytest.fixture
def csrf_token(client: FlaskClient, read_csrf_token: Callable[[FlaskClient], str]) -> str:
    """A CSRF token valid for `client`'s session, for tests that post the form."""
    return read_csrf_token(client)
