"""The standard library's sqlite3, the Bottle way: a plugin gives each route that asks for ``db``
a connection of its own, committed when the route succeeds and rolled back when it fails.

The schema is built by the SQL scripts in ``migrations/``, applied in the order of their number;
the database remembers the last one it applied in ``PRAGMA user_version``.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import bottle

from . import settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# How long a write waits for another process's write to finish before "database is locked".
BUSY_TIMEOUT_SECONDS = 5.0


def connect(path: Path, **options: Any) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, **options)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys = ON")
    # Unicode-aware case folding for searches: SQLite's own lower() only knows ASCII.
    db.create_function("casefold", 1, str.casefold, deterministic=True)
    return db


def migrations() -> list[Path]:
    """The scripts in the order they apply: ``0001_*.sql`` first."""
    return sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, split where sqlite3 says one is complete."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement.strip()
            statement = ""
    if statement.strip() and not statement.strip().startswith("--"):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {statement!r}")


def version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def pending(path: Path) -> int:
    """How many migrations the database at ``path`` lacks; a missing file lacks them all."""
    if not path.exists():
        return len(migrations())
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return max(len(migrations()) - version(db), 0)
    except sqlite3.DatabaseError as error:
        raise settings.ConfigError(
            f"{settings.env_var('DATABASE_URL')}: cannot read {path} ({error})"
        ) from None


def migrate(path: Path) -> list[str]:
    """Apply the pending migrations in one transaction; return the names of those applied.

    ``BEGIN IMMEDIATE`` takes the write lock before the version is read, so two processes
    migrating at once apply each script once.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    scripts = migrations()
    with closing(connect(path, isolation_level=None)) as db:  # we BEGIN and COMMIT ourselves
        # Readers never block the writer, nor the writer the readers, across processes.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            # A database migrated by a newer release keeps its version: nothing to apply.
            applied = scripts[version(db) :]
            for script in applied:
                for statement in statements(script.read_text(encoding="utf-8")):
                    db.execute(statement)
            if applied:
                db.execute(f"PRAGMA user_version = {len(scripts)}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return [script.name for script in applied]


class SQLitePlugin:
    """Passes a connection as the ``db`` keyword to the routes whose callback takes one.

    The database file is the ``path_key`` setting of the app serving the request, so one set of
    routes serves several apps (tests). The connection is committed when the route returns or
    redirects, rolled back when it fails (an ``HTTPError`` included), and closed either way:
    nothing outlives the request.
    """

    name = "sqlite"
    api = 2

    def __init__(self, path_key: str, keyword: str = "db") -> None:
        self.path_key, self.keyword = path_key, keyword

    def apply(self, callback: Callable[..., Any], route: bottle.Route) -> Callable[..., Any]:
        if self.keyword not in inspect.signature(route.callback).parameters:
            return callback

        @functools.wraps(callback)
        def with_connection(*args: Any, **kwargs: Any) -> Any:
            with closing(connect(bottle.request.app.config[self.path_key])) as db:
                try:
                    result = callback(*args, **kwargs, **{self.keyword: db})
                except bottle.HTTPError:
                    db.rollback()
                    raise
                except bottle.HTTPResponse:  # a redirect: the work is done
                    db.commit()
                    raise
                except BaseException:
                    db.rollback()
                    raise
                db.commit()
                return result

        return with_connection
