"""The fixtures of the Flask testing docs: `app`, `client` and `runner`, plus `make_app`,
`csrf_token` and an isolated, migrated database for each test.

Tests run on SQLite, or on PostgreSQL with ``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL``: see migrated_databases.py.
On PostgreSQL a test's database is emptied and handed to a later test, instead of dropped and
cloned again, when its schema is still the migrated one (``RecycledDatabases``).
"""

from __future__ import annotations

import os
import re
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

from .migrated_databases import MigratedDatabases

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


# The schema as PostgreSQL's catalogs describe it: tables, columns, constraints and indexes.
SCHEMA_QUERY = """
SELECT 'column', table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
    || ' ' || coalesce(column_default, '')
FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL
SELECT 'constraint', table_name || '.' || constraint_name || ' ' || constraint_type
FROM information_schema.table_constraints WHERE table_schema = 'public'
UNION ALL
SELECT 'index', indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT 'revision', version_num FROM alembic_version
ORDER BY 1, 2
"""


class RecycledDatabases(MigratedDatabases):
    """On PostgreSQL, cloning a database (``CREATE DATABASE ... TEMPLATE``) and dropping it
    cost 0.1-0.6 s per test, most of the suite's time there; emptying the tables of one whose
    schema did not change (TRUNCATE ... RESTART IDENTITY) costs a few milliseconds. A database
    whose schema a test changed (a failed migration test, say) is dropped, as before."""

    def __init__(self, admin_url: str | None, migrate: Callable[[str], None]) -> None:
        super().__init__(admin_url, migrate)
        self.emptied: list[str] = []
        self.schema = self.read_schema(self.template) if self.admin else []

    def read_schema(self, name: str) -> list[tuple[str, str]]:
        with psycopg.connect(self.url(name)) as connection:
            return connection.execute(SCHEMA_QUERY).fetchall()

    def create(self) -> str:
        return self.emptied.pop() if self.emptied else super().create()

    def remove(self, url: str) -> None:
        checked = settings.check_database_url(url)
        if checked.sqlite_path is None and self.empty(checked.database):
            self.emptied.append(url)
        else:
            super().remove(url)

    def empty(self, name: str) -> bool:
        """Empty database ``name`` if its schema is the template's; whether it did."""
        with psycopg.connect(self.url(name), autocommit=True) as connection:
            # Connections the test's app left in its pool would hold locks TRUNCATE waits for.
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if connection.execute(SCHEMA_QUERY).fetchall() != self.schema:
                return False
            tables = sorted({row[1].split(".")[0] for row in self.schema if row[0] == "column"})
            tables.remove("alembic_version")
            names = sql.SQL(", ").join(map(sql.Identifier, tables))
            connection.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))
        return True


@pytest.fixture(scope="session")
def databases() -> Iterator[MigratedDatabases]:
    databases = RecycledDatabases(TEST_DATABASE_URL, migrate)
    yield databases
    databases.close()


@pytest.fixture
def database_url(databases: MigratedDatabases) -> Iterator[str]:
    """A migrated database of the test's own: changes never leak into another test."""
    url = databases.create()
    yield url
    databases.remove(url)


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
