"""The fixtures of the Flask testing docs: `app`, `client` and `runner`, plus `make_app`,
`csrf_token` and an isolated, migrated database for each test; and the production servers of
test_production_server.py, started with the first test.

Tests run on SQLite, or on PostgreSQL with ``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL``: see migrated_databases.py.
On PostgreSQL a test's database is emptied and handed to a later test, instead of dropped and
cloned again, when its schema is still the migrated one.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from live_server import LiveServer, find_free_port, start

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


@dataclass
class ProductionProcesses:
    """The three servers test_production_server.py talks to, each ``python -m`` the package."""

    server: LiveServer  # production settings, two workers
    second_server: LiveServer  # the same on the same database, with its access log on
    without_secret: LiveServer  # production without a secret: must refuse to start


@pytest.fixture(scope="session")
def production_processes(
    shared_bytecode: None, databases: MigratedDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProductionProcesses]:
    """test_production_server.py's processes, started together and not waited for (its tests
    wait), on one migrated database of their own; killed at the end of the session."""
    url = databases.create()
    production = {
        "ENV": "production",
        "SECRET_KEY": "integration-secret-of-24-characters",
        "DATABASE_URL": url,
        "WORKERS": "2",
    }
    configs = {
        "server": production,
        "second_server": production | {"GUNICORN__ACCESSLOG": '"-"'},
        "without_secret": {"ENV": "production"},
    }
    folder = tmp_path_factory.mktemp("production")
    # Settings from the environment of the test run are dropped, as start_server does.
    environ = {
        key: value for key, value in os.environ.items() if not key.startswith(settings.PREFIX)
    }
    started: dict[str, LiveServer] = {}
    try:
        for name, config in configs.items():
            port = find_free_port()
            variables = {settings.env_var(key): value for key, value in config.items()}
            started[name] = start(
                [sys.executable, "-m", "{{ cookiecutter.package_name }}"],
                port=port,
                log_path=folder / f"{name}.log",
                env=environ | variables | {settings.env_var("PORT"): str(port)},
                cwd=folder,
            )
        yield ProductionProcesses(**started)
    finally:
        for server in started.values():
            server.kill()
        databases.remove(url)


@pytest.fixture(scope="session", autouse=True)
def start_production_processes_early(request: pytest.FixtureRequest) -> None:
    """When test_production_server.py is among the tests, its processes start with the first
    test. Each takes about a second of CPU to start (Python, Flask, SQLAlchemy, gunicorn), which
    then runs on another core while the in-process tests run, instead of the suite waiting."""
    if any(item.path.name == "test_production_server.py" for item in request.session.items):
        request.getfixturevalue("production_processes")


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
