"""The database plugin on a private bus, the session tool, and the migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from cherrypy.process import wspbus
from sqlalchemy import inspect

from {{ cookiecutter.package_name }} import database, settings
from {{ cookiecutter.package_name }}.models import Base, Item, parse_id


def test_the_models_match_the_migrations(database_url: str) -> None:
    """A model change without its migration fails here: write one with
    ``alembic revision --autogenerate -m "..."``."""
    engine = database.make_engine(settings.check_database_url(database_url))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_go_down_and_up_again(database_url: str) -> None:
    url = settings.check_database_url(database_url)
    engine = database.make_engine(url)
    command.downgrade(database.alembic_config(engine), "base")
    assert "item" not in inspect(engine).get_table_names()
    assert database.pending_migrations(url) == 1
    database.upgrade(url)
    assert database.pending_migrations(url) == 0
    engine.dispose()


def test_the_plugin_opens_the_engine_on_start_and_disposes_it_on_stop(database_url: str) -> None:
    bus = wspbus.Bus()
    plugin = database.Database(bus, settings.check_database_url(database_url))
    plugin.subscribe()
    with pytest.raises(RuntimeError, match="not started"):
        plugin.session()
    bus.start()
    try:
        [session] = bus.publish(database.SESSION_CHANNEL)
        with session.begin():
            session.add(Item(title="kept"))
        session.close()
    finally:
        bus.exit()
    assert plugin.engine is None
    plugin.unsubscribe()
    assert bus.publish(database.SESSION_CHANNEL) == []


def test_prepare_migrates_outside_production_only(tmp_path: Path) -> None:
    url = settings.check_database_url(f"sqlite:///{tmp_path}/var/new.sqlite3")
    with pytest.raises(settings.ConfigError, match=settings.MIGRATE_COMMAND):
        database.prepare(url, "production")
    database.prepare(url, "development")  # creates var/ and migrates
    database.prepare(url, "production")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("2147483647", 2147483647),
        ("0", None),
        ("2147483648", None),
        ("²", None),
        ("١", None),
        ("1.0", None),
        (" 1", None),
        ("", None),
    ],
)
def test_ids_are_ascii_digits_in_the_integer_range(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected
