"""Alembic's environment: the models' metadata and the project's database.

``{{ cookiecutter.project_slug }} migrate`` (and a development start) hands Alembic its engine in
``config.attributes``. The ``alembic`` command line, run from the project root with its
``alembic.ini``, reads the database from the project's layered configuration instead
(``{{ cookiecutter.__env_prefix }}ENV``, ``{{ cookiecutter.__env_prefix }}DATABASE_URL``,
the config files).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Engine

from {{ cookiecutter.package_name }} import configuration, database, settings
from {{ cookiecutter.package_name }}.models import Base

target_metadata = Base.metadata


def configured_url() -> settings.DatabaseURL:
    loaded = configuration.load(settings.current_environment(), need_secret=False)
    return loaded.database_url


def skip_empty_revisions(_context: Any, _revision: Any, directives: list[Any]) -> None:
    """``alembic revision --autogenerate`` with no model change writes no empty migration."""
    cmd_opts = context.config.cmd_opts
    if getattr(cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []


def run_migrations_offline() -> None:
    """``alembic upgrade head --sql``: print the SQL instead of running it."""
    context.configure(
        url=configured_url().sqlalchemy_url, target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine: Engine | None = context.config.attributes.get("engine")
    own_engine = engine is None
    if engine is None:
        engine = database.make_engine(configured_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                # SQLite alters a table by copying it: Alembic's batch mode does that.
                render_as_batch=connection.dialect.name == "sqlite",
                process_revision_directives=skip_empty_revisions,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        if own_engine:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
