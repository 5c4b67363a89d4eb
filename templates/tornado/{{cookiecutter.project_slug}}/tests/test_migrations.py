"""Alembic migrations: the models match them, development applies them, production refuses to
start without them, and ``migrate`` applies them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from {{ cookiecutter.package_name }} import database, settings
from {{ cookiecutter.package_name }}.__main__ import main
from {{ cookiecutter.package_name }}.models import Base
from {{ cookiecutter.package_name }}.settings import ConfigError, env_var

from .support import TEST_SECRET


def differences(connection: Connection) -> list[object]:
    return compare_metadata(MigrationContext.configure(connection), Base.metadata)


async def model_changes(url: str) -> list[object]:
    engine = database.create_engine(settings.check_database_url(url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(differences)
    finally:
        await engine.dispose()


async def pending(url: str) -> int:
    engine = database.create_engine(settings.check_database_url(url))
    try:
        return await database.pending_migrations(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def empty_database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'var' / 'empty.sqlite3'}"


def test_the_models_match_the_migrations(database_url: str) -> None:
    """A model change without its migration fails here; the README says how to write one."""
    assert asyncio.run(model_changes(database_url)) == []
    assert asyncio.run(pending(database_url)) == 0


def test_development_migrates_at_start(empty_database: str) -> None:
    url = settings.check_database_url(empty_database)
    assert asyncio.run(pending(empty_database)) == 1
    asyncio.run(database.prepare(url, "development"))
    assert asyncio.run(pending(empty_database)) == 0


def test_production_refuses_pending_migrations(
    empty_database: str,
    free_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(env_var("ENV"), "production")
    monkeypatch.setenv(env_var("SECRET_KEY"), TEST_SECRET)
    monkeypatch.setenv(env_var("DATABASE_URL"), empty_database)
    with pytest.raises(SystemExit) as caught:
        main(["prog", f"--port={free_port}"])
    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert f"run `{settings.MIGRATE_COMMAND}` first" in error


def test_migrate_command_applies_them(
    empty_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(env_var("ENV"), "production")
    monkeypatch.setenv(env_var("SECRET_KEY"), TEST_SECRET)
    monkeypatch.setenv(env_var("DATABASE_URL"), empty_database)
    main(["prog", "migrate"])
    assert "is up to date" in capsys.readouterr().out
    assert asyncio.run(pending(empty_database)) == 0


def test_an_unreachable_database_is_one_line() -> None:
    url = settings.check_database_url("postgresql://app:pw@127.0.0.1:1/app")
    with pytest.raises(ConfigError, match=env_var("DATABASE_URL")) as caught:
        asyncio.run(database.prepare(url, "production"))
    assert "\n" not in str(caught.value)
    assert ":pw@" not in str(caught.value)
