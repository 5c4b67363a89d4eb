"""A migrated database of its own for each test, on SQLite or PostgreSQL.

Migrating once and copying is much faster than migrating per test. On SQLite each database is a
copy of one migrated file. With ``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL=postgresql://user@host/db`` each is a
PostgreSQL database cloned from one migrated template (``CREATE DATABASE ... TEMPLATE``); that URL
is the maintenance connection, and its user needs the CREATEDB privilege. There a test's
database is emptied and handed to a later test instead of dropped, when its schema is still the
migrated one: cloning and dropping cost 0.1-0.6 s per test, emptying (TRUNCATE ... RESTART
IDENTITY) a few milliseconds. A database whose schema a test changed is dropped.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

from {{ cookiecutter.package_name }} import settings

Migrate = Callable[[str], None]

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


class MigratedDatabases:
    """Databases made by ``create`` (each a fresh copy of a migrated one), all gone at ``close``."""

    def __init__(self, admin_url: str | None, migrate: Migrate) -> None:
        self.admin = (
            settings.check_database_url(admin_url, "TEST_DATABASE_URL") if admin_url else None
        )
        self.folder = Path(tempfile.mkdtemp(prefix="test-databases-"))
        self.prefix = f"test_{os.getpid()}"
        self.names = itertools.count()
        self.template = self.prefix + "_template"
        if self.admin is None:
            self.template_path = self.folder / "template.sqlite3"
            migrate(f"sqlite:///{self.template_path}")
        else:
            self.drop(self.template)
            self.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.template)))
            migrate(self.url(self.template))
        # PostgreSQL databases a test gave back, emptied, for the next tests.
        self.emptied: list[str] = []
        self.schema = self.read_schema(self.template) if self.admin else []

    def url(self, name: str) -> str:
        assert self.admin is not None
        return self.admin.parts._replace(path=f"/{name}").geturl()

    def execute(self, statement: sql.Composed) -> None:
        assert self.admin is not None
        # CREATE/DROP DATABASE cannot run inside a transaction.
        with psycopg.connect(self.admin.url, autocommit=True) as connection:
            connection.execute(statement)

    def drop(self, name: str) -> None:
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self.execute(statement.format(sql.Identifier(name)))

    def read_schema(self, name: str) -> list[tuple[str, str]]:
        with psycopg.connect(self.url(name)) as connection:
            return connection.execute(SCHEMA_QUERY).fetchall()

    def create(self) -> str:
        """A migrated database with no rows of any test's; its URL."""
        if self.emptied:
            return self.emptied.pop()
        name = f"{self.prefix}_{next(self.names)}"
        if self.admin is None:
            path = self.folder / f"{name}.sqlite3"
            shutil.copyfile(self.template_path, path)
            return f"sqlite:///{path}"
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
        self.execute(statement.format(sql.Identifier(name), sql.Identifier(self.template)))
        return self.url(name)

    def remove(self, url: str) -> None:
        """Give back a database ``create`` made: emptied for reuse, or dropped."""
        checked = settings.check_database_url(url)
        if checked.sqlite_path is not None:
            checked.sqlite_path.unlink(missing_ok=True)
        elif self.empty(checked.database):
            self.emptied.append(url)
        else:
            self.drop(checked.database)

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

    def close(self) -> None:
        if self.admin is not None:
            for number in range(next(self.names)):
                self.drop(f"{self.prefix}_{number}")
            self.drop(self.template)
        shutil.rmtree(self.folder, ignore_errors=True)
