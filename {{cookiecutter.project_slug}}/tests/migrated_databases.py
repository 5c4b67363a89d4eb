"""A migrated database of its own for each test, on SQLite or PostgreSQL.

Migrating once and copying is much faster than migrating per test. On SQLite each database is a
copy of one migrated file. With ``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL=postgresql://user@host/db`` each is a
PostgreSQL database cloned from one migrated template (``CREATE DATABASE ... TEMPLATE``); that URL
is the maintenance connection, and its user needs the CREATEDB privilege.
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

    def create(self) -> str:
        """A new migrated database; its URL."""
        name = f"{self.prefix}_{next(self.names)}"
        if self.admin is None:
            path = self.folder / f"{name}.sqlite3"
            shutil.copyfile(self.template_path, path)
            return f"sqlite:///{path}"
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
        self.execute(statement.format(sql.Identifier(name), sql.Identifier(self.template)))
        return self.url(name)

    def remove(self, url: str) -> None:
        """Drop a database ``create`` made (its connections closed first)."""
        checked = settings.check_database_url(url)
        if checked.sqlite_path is not None:
            checked.sqlite_path.unlink(missing_ok=True)
        else:
            self.drop(checked.database)

    def close(self) -> None:
        if self.admin is not None:
            for number in range(next(self.names)):
                self.drop(f"{self.prefix}_{number}")
            self.drop(self.template)
        shutil.rmtree(self.folder, ignore_errors=True)
