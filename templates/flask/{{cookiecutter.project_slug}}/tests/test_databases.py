"""The test databases themselves: on PostgreSQL an emptied one is handed out again (conftest.py)."""

from __future__ import annotations

import psycopg
import pytest

from {{ cookiecutter.package_name }} import settings

from .conftest import TEST_DATABASE_URL
from .migrated_databases import MigratedDatabases

pytestmark = pytest.mark.skipif(
    TEST_DATABASE_URL is None, reason=f"PostgreSQL only ({settings.env_var('TEST_DATABASE_URL')})"
)


def test_a_database_is_handed_out_again_empty(databases: MigratedDatabases) -> None:
    url = databases.create()
    with psycopg.connect(url) as connection:
        connection.execute("INSERT INTO note (text, created) VALUES ('left behind', now())")
    databases.remove(url)
    assert databases.create() == url
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT count(*) FROM note").fetchone() == (0,)
        inserted = connection.execute(
            "INSERT INTO note (text, created) VALUES ('first', now()) RETURNING id"
        )
        assert inserted.fetchone() == (1,)
    databases.remove(url)


def test_a_database_whose_schema_changed_is_dropped(databases: MigratedDatabases) -> None:
    url = databases.create()
    with psycopg.connect(url) as connection:
        connection.execute("ALTER TABLE note ADD COLUMN extra integer")
    databases.remove(url)
    fresh = databases.create()
    assert fresh != url
    databases.remove(fresh)
