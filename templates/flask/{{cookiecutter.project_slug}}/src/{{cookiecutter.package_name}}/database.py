"""The database: Flask-SQLAlchemy for the models, Flask-Migrate (Alembic) for the schema.

The migrations ship inside the package (``migrations/``), so an installed project, a Docker image
included, can apply them with ``{{ cookiecutter.project_slug }} migrate`` or ``flask --app {{ cookiecutter.package_name }} db upgrade``.
"""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase

from . import settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    """The models' base. Flask-SQLAlchemy builds ``db.Model`` from it at run time, with the same
    metadata (``db.metadata``), so models subclass ``Base``: type checkers can follow it."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(MIGRATIONS_DIR))


def pending_migrations() -> int:
    """How many migrations the current app's database still lacks (call in an app context)."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    try:
        with db.engine.connect() as connection:
            applied = MigrationContext.configure(connection).get_current_heads()
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no connection"
        raise settings.ConfigError(
            f"{settings.env_var('DATABASE_URL')}: cannot reach {describe()} ({reason})"
        ) from None
    return len(list(script.iterate_revisions(tuple(script.get_heads()), applied)))


def describe(app: Flask | None = None) -> str:
    """The database, for messages: its URL without the password."""
    config = (app or current_app).config
    return (
        "the database " + settings.check_database_url(config["SQLALCHEMY_DATABASE_URI"]).redacted()
    )


def init_app(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db)
