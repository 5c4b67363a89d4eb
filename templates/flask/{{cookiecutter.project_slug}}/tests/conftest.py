"""The fixtures of the Flask testing docs: `app`, `client` and `runner`, plus `make_app`,
`csrf_token` and an isolated, migrated database for each test.

Tests run on SQLite, or on PostgreSQL with ``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL``: see migrated_databases.py.
On PostgreSQL a test's database is emptied and handed to a later test, instead of dropped and
cloned again, when its schema is still the migrated one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

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


@pytest.fixture(scope="session")
def databases() -> Iterator[MigratedDatabases]:
    databases = MigratedDatabases(TEST_DATABASE_URL, migrate)
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
