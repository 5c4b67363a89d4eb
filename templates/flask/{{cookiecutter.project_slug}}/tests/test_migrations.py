"""The migrations: they build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import check, downgrade, upgrade

from {{ cookiecutter.package_name }} import database


def test_the_migrations_match_the_models(app: Flask) -> None:
    """`flask db check`: a model changed without a migration fails here."""
    with app.app_context():
        assert database.pending_migrations() == 0
        check(directory=str(database.MIGRATIONS_DIR))


def test_a_model_change_without_a_migration_is_caught(app: Flask) -> None:
    extra = sa.Table(
        "unmigrated", database.db.metadata, sa.Column("id", sa.Integer, primary_key=True)
    )
    try:
        with app.app_context(), pytest.raises(SystemExit):
            check(directory=str(database.MIGRATIONS_DIR))
    finally:
        database.db.metadata.remove(extra)


def test_migrations_go_down_and_up_again(app: Flask) -> None:
    with app.app_context():
        downgrade(directory=str(database.MIGRATIONS_DIR), revision="base")
        assert database.pending_migrations() >= 1
        assert "note" not in sa.inspect(database.db.engine).get_table_names()
        upgrade(directory=str(database.MIGRATIONS_DIR))
        assert database.pending_migrations() == 0
        assert {"note", "tag"} <= set(sa.inspect(database.db.engine).get_table_names())


def test_flask_shell_has_the_db_and_models(app: Flask) -> None:
    with app.app_context():
        context = app.make_shell_context()
    assert context["db"] is database.db
    assert {"Note", "Tag"} <= set(context)
