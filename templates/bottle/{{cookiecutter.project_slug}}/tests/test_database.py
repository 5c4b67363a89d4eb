"""The migrations (ordered SQL scripts, PRAGMA user_version) and the connection plugin."""

from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import bottle
import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }} import database


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_schema WHERE type='table'")}


def test_the_scripts_are_numbered_from_one_without_gaps() -> None:
    names = [script.name for script in database.migrations()]
    assert names, "no migrations found"
    assert [int(name[:4]) for name in names] == list(range(1, len(names) + 1))
    assert all(re.fullmatch(r"\d{4}_[a-z0-9_]+\.sql", name) for name in names)


def test_a_fresh_database_gets_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "new" / "app.sqlite3"
    assert database.pending(path) == len(database.migrations())
    applied = database.migrate(path)
    assert applied == [script.name for script in database.migrations()]
    assert user_version(path) == len(applied)
    assert {"contact_message", "upload"} <= tables(path)
    assert database.pending(path) == 0
    assert database.migrate(path) == []  # a second run has nothing to do


def test_only_the_missing_scripts_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "app.sqlite3"
    database.migrate(path)
    extra = tmp_path / "migrations"
    extra.mkdir()
    for script in database.migrations():
        (extra / script.name).write_text(script.read_text())
    (extra / "9999_add_notes.sql").write_text(
        "-- a later release\nALTER TABLE upload ADD COLUMN note TEXT;\n"
        "CREATE INDEX upload_created ON upload (created_at);\n"
    )
    monkeypatch.setattr(database, "MIGRATIONS_DIR", extra)
    assert database.pending(path) == 1
    assert database.migrate(path) == ["9999_add_notes.sql"]
    assert user_version(path) == len(database.migrations())


def test_a_failing_script_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "migrations"
    broken.mkdir()
    (broken / "0001_ok.sql").write_text("CREATE TABLE a (id INTEGER PRIMARY KEY);")
    (broken / "0002_broken.sql").write_text("CREATE TABLE b (id INTEGER PRIMARY KEY);\nNOT SQL;")
    monkeypatch.setattr(database, "MIGRATIONS_DIR", broken)
    path = tmp_path / "app.sqlite3"
    with pytest.raises(sqlite3.OperationalError):
        database.migrate(path)
    assert user_version(path) == 0 and tables(path) == set()


def test_a_database_from_a_newer_release_keeps_its_version(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite3"
    database.migrate(path)
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 99")
    assert database.migrate(path) == [] and user_version(path) == 99
    assert database.pending(path) == 0


def test_two_processes_migrating_at_once_apply_each_script_once(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite3"
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(database.migrate(path))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(len, results)) == [0, 0, 0, len(database.migrations())]


def test_an_unreadable_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "not-a-database.sqlite3"
    path.write_bytes(b"this is not an SQLite file" * 100)
    with pytest.raises(Exception, match="DATABASE_URL: cannot read") as error:
        database.pending(path)
    assert "\n" not in str(error.value)


def test_statements_are_split_where_sqlite_says_they_end() -> None:
    script = "CREATE TABLE a (x TEXT DEFAULT ';');\n-- comment\nINSERT INTO a VALUES ('1;2');\n"
    assert list(database.statements(script)) == [
        "CREATE TABLE a (x TEXT DEFAULT ';');",
        "-- comment\nINSERT INTO a VALUES ('1;2');",
    ]
    with pytest.raises(ValueError, match="incomplete SQL statement"):
        list(database.statements("CREATE TABLE a (x TEXT)"))


@pytest.fixture
def plugin_app(app: bottle.Bottle) -> bottle.Bottle:
    """Routes on the test's app that write a row, then succeed, redirect or fail."""
    plugin = database.SQLitePlugin("app.database_path")

    def write(db: sqlite3.Connection, outcome: str) -> str:
        db.execute(
            "INSERT INTO contact_message (name, email, message) VALUES ('a', 'b', ?)", [outcome]
        )
        if outcome == "redirect":
            raise bottle.HTTPResponse(status=303, Location="/")
        if outcome == "abort":
            bottle.abort(409, "conflict")
        if outcome == "crash":
            raise RuntimeError("boom")
        return "ok"

    app.route("/write/<outcome>", "POST", write, apply=[plugin])
    app.route("/plain", "GET", lambda: "no connection asked for", apply=[plugin])
    return app


@pytest.mark.parametrize(
    ("outcome", "status", "kept"),
    [("ok", 200, True), ("redirect", 303, True), ("abort", 409, False), ("crash", 500, False)],
)
def test_the_plugin_commits_on_success_and_rolls_back_on_failure(
    plugin_app: bottle.Bottle, db: sqlite3.Connection, outcome: str, status: int, kept: bool
) -> None:
    TestApp(plugin_app).post(f"/write/{outcome}", status=status, expect_errors=True)
    rows = db.execute("SELECT message FROM contact_message").fetchall()
    assert [row[0] for row in rows] == ([outcome] if kept else [])


def test_routes_that_take_no_connection_get_none(plugin_app: bottle.Bottle) -> None:
    assert TestApp(plugin_app).get("/plain").text == "no connection asked for"


def test_connections_fold_case_for_any_script(database_path: Path) -> None:
    with closing(database.connect(database_path)) as db:
        assert db.execute("SELECT casefold('ÉCLAIR Straße')").fetchone()[0] == "éclair strasse"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
