"""The database: SQLAlchemy 2's asyncio engine (aiosqlite, psycopg 3) and Alembic migrations.

The migrations ship inside the package (``migrations/``), so an installed project, a Docker image
included, applies them with ``{{ cookiecutter.project_slug }} migrate``. Alembic runs them on the
app's own async engine, as in Alembic's "asyncio" recipe.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from . import settings
from .settings import ConfigError, DatabaseURL

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Two workers share one SQLite file: a writer waits this long for the other's lock.
SQLITE_LOCK_TIMEOUT = 30


def create_engine(url: DatabaseURL) -> AsyncEngine:
    url.ensure_directory()
    if url.sqlite_path is not None:
        async_url = make_url(url.url).set(drivername="sqlite+aiosqlite")
        return create_async_engine(async_url, connect_args={"timeout": SQLITE_LOCK_TIMEOUT})
    # postgresql+psycopg: SQLAlchemy picks psycopg 3's async connection for an async engine.
    return create_async_engine(url.sqlalchemy_url, pool_pre_ping=True)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration; env.py runs on ``connection`` when one is given."""
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def unreachable(url: DatabaseURL, error: DBAPIError | OSError) -> ConfigError:
    cause = error.orig if isinstance(error, DBAPIError) else error
    reason = (str(cause).strip().splitlines() or ["no connection"])[0]
    return ConfigError(
        f"{settings.env_var('DATABASE_URL')}: cannot use {url.redacted()} ({reason})"
    )


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


def _applied(connection: Connection) -> tuple[str, ...]:
    return tuple(MigrationContext.configure(connection).get_current_heads())


async def upgrade(engine: AsyncEngine) -> None:
    """Apply the pending migrations, in one transaction."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def pending_migrations(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        applied = await connection.run_sync(_applied)
    script = ScriptDirectory.from_config(alembic_config())
    return sum(1 for _ in script.iterate_revisions(tuple(script.get_heads()), applied))


async def prepare(url: DatabaseURL, environment: str) -> None:
    """Development and testing migrate at start; production refuses pending migrations."""
    engine = create_engine(url)
    try:
        if environment != "production":
            await upgrade(engine)
        elif count := await pending_migrations(engine):
            raise settings.pending_migrations_error(count)
    except (DBAPIError, OSError) as error:
        raise unreachable(url, error) from None
    finally:
        await engine.dispose()


async def migrate(url: DatabaseURL) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    except (DBAPIError, OSError) as error:
        raise unreachable(url, error) from None
    finally:
        await engine.dispose()
