"""Fixtures: each framework is installed once per Python version and served once per session.

Tests that use the ``framework`` fixture are grouped per framework for pytest-xdist
(``--dist loadgroup``), so one worker installs and serves a given framework and nothing is
installed twice in one run; another Python version's install and suite is a group of its own,
whose worker bakes its own copy of the project. PostgreSQL and Redis start on first use, once per session (per xdist
worker): only the workers whose frameworks need them start them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import (
    FRAMEWORKS,
    PROJECT_NAME,
    PROJECT_SLUG,
    ProjectEnv,
    Server,
    create_project_env,
    migrate,
    production_settings,
    running_server,
)
from tests.once import claim_once
from tests.python_versions import deselect_unpromised_versions, running_version
from tests.services import PostgresServer, RedisServer, running_postgres, running_redis


# tryfirst: xdist's own hook reads the xdist_group markers to build the groups; added after it,
# they are ignored and every worker installs every framework.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    deselect_unpromised_versions(config, items)
    for item in items:
        if "framework" in params(item):
            if shares_the_session_project(item):
                item.add_marker(pytest.mark.xdist_group(xdist_group(params(item))))
            item.add_marker(pytest.mark.framework)
    # xdist hands out the groups with the most tests first, then the others in order of first
    # appearance: another version's install and suite (a minute or more) must come before the
    # short ungrouped tests, which then fill the gaps so that both workers finish together.
    items.sort(key=lambda item: "python_version" not in params(item))


def params(item: pytest.Item) -> dict[str, object]:
    callspec = getattr(item, "callspec", None)
    return callspec.params if callspec else {}


def xdist_group(item_params: dict[str, object]) -> str:
    """One group per framework; another Python version's install and suite is a group of its own
    (it shares only the bake, which takes a second), so the two workers can share that work."""
    if "python_version" in item_params:
        return f"{item_params['framework']}-{item_params['python_version']}"
    return str(item_params["framework"])


def shares_the_session_project(item: pytest.Item) -> bool:
    """Whether ``framework`` is the session fixture below (whose project, install and server the
    group shares) rather than a plain ``parametrize`` argument: those tests bake their own
    projects, so they stay free for xdist to balance the workers with."""
    for mark in item.iter_markers("parametrize"):
        names = mark.args[0]
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if "framework" in names:
            return False
    return True


@pytest.fixture(scope="session", params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def baked_project(cookies_session, framework: str) -> Path:
    """The framework's project, baked with a non-ASCII name and every option on."""
    result = cookies_session.bake(
        extra_context={"project_name": PROJECT_NAME, "framework": framework, "use_docker": "yes"}
    )
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    assert result.project_path.name == PROJECT_SLUG
    return result.project_path


@pytest.fixture(scope="session")
def project_env(
    baked_project: Path, framework: str, tmp_path_factory: pytest.TempPathFactory
) -> ProjectEnv:
    """The baked project installed in a fresh virtual environment from its own pyproject.toml."""
    claim_once(tmp_path_factory, f"install {framework} on {running_version()}")
    venv_dir = tmp_path_factory.mktemp(f"venv-{framework}") / ".venv"
    return create_project_env(baked_project, venv_dir, framework)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server; ``postgres.create_database()`` gives a fresh database's URL."""
    with running_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def redis() -> Iterator[RedisServer]:
    """A real Redis server; ``redis.new_url()`` gives the URL of the next logical database."""
    with running_redis() as server:
        yield server


class LazyServices:
    """Fresh databases and Redis URLs for the live tests; the servers start on the first ask."""

    def __init__(self, request: pytest.FixtureRequest, tmp: pytest.TempPathFactory) -> None:
        self.request = request
        self.tmp = tmp

    def database_url(self, scheme: str) -> str:
        if scheme == "postgresql":
            postgres: PostgresServer = self.request.getfixturevalue("postgres")
            return postgres.create_database()
        if scheme == "sqlite":
            return f"sqlite:///{self.tmp.mktemp('sqlite') / 'app.sqlite3'}"
        raise ValueError(f"no test database for {scheme}://")

    def redis_url(self) -> str:
        redis: RedisServer = self.request.getfixturevalue("redis")
        return redis.new_url()


@pytest.fixture
def services(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> LazyServices:
    """This test's source of fresh databases (PostgreSQL or SQLite files) and Redis URLs."""
    return LazyServices(request, tmp_path_factory)


@pytest.fixture
def production_config(project_env: ProjectEnv, services: LazyServices) -> dict[str, str]:
    """Production settings with this test's own fresh, migrated database where there is one."""
    settings = production_settings(project_env.framework, services)
    migrate(project_env, settings)
    return settings


@pytest.fixture(scope="session")
def production_server(
    project_env: ProjectEnv,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """The project's console script in production mode, shared by the contract and robustness tests."""
    claim_once(tmp_path_factory, f"production server {project_env.framework}")
    log = tmp_path_factory.mktemp(f"log-{project_env.framework}") / "production.log"
    settings = production_settings(project_env.framework, LazyServices(request, tmp_path_factory))
    migrate(project_env, settings)
    with running_server(project_env, log, **settings) as server:
        yield server
