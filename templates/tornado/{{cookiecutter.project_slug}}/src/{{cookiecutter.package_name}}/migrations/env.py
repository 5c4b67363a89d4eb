"""Alembic's environment: the models' metadata, and the app's async engine.

``{{ cookiecutter.project_slug }} migrate`` and the development server pass their own connection
(``config.attributes["connection"]``); the ``alembic`` command line gets none, and connects to
``{{ cookiecutter.__env_prefix }}DATABASE_URL`` (default: the development database) itself.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import Connection

from {{ cookiecutter.package_name }} import database, settings
from {{ cookiecutter.package_name }}.models import Base

target_metadata = Base.metadata


def skip_empty_revisions(_context: Any, _revision: Any, directives: list[Any]) -> None:
    """``revision --autogenerate`` with no model change writes no empty migration."""
    autogenerate = getattr(context.config.cmd_opts, "autogenerate", False)
    if autogenerate and directives[0].upgrade_ops.is_empty():
        directives[:] = []


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters a table by copying it
        process_revision_directives=skip_empty_revisions,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_command_line() -> None:
    url = settings.database_url(settings.current_environment())
    engine = database.create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run them on a database")
connection = context.config.attributes.get("connection")
if connection is None:
    asyncio.run(run_from_command_line())
else:
    run_on(connection)
