"""Alembic's environment for Flask-Migrate: the app's engine and the models' metadata.

Run through Flask-Migrate (``{{ cookiecutter.project_slug }} migrate``, ``flask --app {{ cookiecutter.package_name }} db ...``), which
provides the app context. Unlike Flask-Migrate's generated env.py, it leaves logging alone: the
development server applies migrations at start, in the app's own process.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from flask import current_app

extension = current_app.extensions["migrate"]
target_metadata = extension.db.metadata


def skip_empty_revisions(_context: Any, _revision: Any, directives: list[Any]) -> None:
    """``flask db migrate`` with no model change writes no empty migration."""
    config = context.config
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []


def run_migrations_offline() -> None:
    """``flask db upgrade --sql``: print the SQL instead of running it."""
    context.configure(
        url=extension.db.engine.url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    options = {"process_revision_directives": skip_empty_revisions, **extension.configure_args}
    with extension.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
