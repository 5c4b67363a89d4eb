"""Configuration layering: DefaultConfig, then environments/<env>.toml, then the environment."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import cli as flask_cli

from {{ cookiecutter.package_name }} import create_app, settings
from {{ cookiecutter.package_name }}.config import DefaultConfig

PREFIX = settings.PREFIX


def test_defaults_come_from_the_config_object(make_app) -> None:
    app = make_app("testing")
    assert app.config["HOST"] == settings.DEFAULTS["HOST"] == "127.0.0.1"
    assert app.config["PORT"] == settings.DEFAULTS["PORT"] == 8000
    assert app.config["MAX_CONTENT_LENGTH"] == DefaultConfig.MAX_CONTENT_LENGTH
    assert app.config["WORKERS"] == settings.DEFAULT_WORKERS


def test_environment_file_overrides_defaults(make_app) -> None:
    app = make_app("production")
    assert app.config["WORKERS"] == 2
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["GUNICORN"]["GRACEFUL_TIMEOUT"] == 3
    assert make_app("testing").config["TESTING"] is True
    assert make_app("development").config["TEMPLATES_AUTO_RELOAD"] is True


def test_environment_variables_override_the_file(make_app, monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}WORKERS", "5")
    monkeypatch.setenv(f"{PREFIX}PORT", "8123")
    monkeypatch.setenv(f"{PREFIX}SESSION_COOKIE_SAMESITE", "Strict")
    app = make_app("production")
    assert app.config["WORKERS"] == 5
    assert app.config["PORT"] == 8123
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"


def test_nested_keys_merge_into_tables(make_app, monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}GUNICORN__TIMEOUT", "60")
    app = make_app("production")
    assert app.config["GUNICORN"]["TIMEOUT"] == 60
    assert app.config["GUNICORN"]["GRACEFUL_TIMEOUT"] == 3


def test_log_level_sets_the_app_logger(make_app, monkeypatch) -> None:
    assert make_app("testing").logger.level == logging.INFO
    monkeypatch.setenv(f"{PREFIX}LOG_LEVEL", "warning")
    app = make_app("testing")
    assert app.config["LOG_LEVEL"] == "WARNING"
    assert app.logger.level == logging.WARNING


def test_create_app_mapping_is_the_last_layer(make_app, monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}WORKERS", "5")
    assert make_app("production", WORKERS=7).config["WORKERS"] == 7


def test_environment_is_chosen_by_env_var(monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}ENV", "production")
    monkeypatch.setenv(f"{PREFIX}SECRET_KEY", "from-the-environment-24-characters")
    app = create_app()
    assert app.config["ENVIRONMENT"] == "production"
    assert app.config["SECRET_KEY"] == "from-the-environment-24-characters"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_secret_key_is_taken_verbatim(monkeypatch) -> None:
    # JSON parsing would make this the integer 12345.
    digits = "1234567890" * 3
    monkeypatch.setenv(f"{PREFIX}SECRET_KEY", digits)
    assert create_app({"ENV": "production"}).config["SECRET_KEY"] == digits


def test_secret_key_fallbacks_from_json_list(make_app, monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}SECRET_KEY_FALLBACKS", '["old-1", "old-2"]')
    assert make_app("production").config["SECRET_KEY_FALLBACKS"] == ["old-1", "old-2"]


@pytest.mark.parametrize(("value", "expected"), [("7200", 7200), ("null", None)])
def test_csrf_time_limit_from_env(make_app, monkeypatch, value: str, expected) -> None:
    # null: a form's token stays valid for as long as the session.
    monkeypatch.setenv(f"{PREFIX}WTF_CSRF_TIME_LIMIT", value)
    assert make_app().config["WTF_CSRF_TIME_LIMIT"] == expected


def test_fallbacks_list_is_not_shared_between_apps(make_app) -> None:
    make_app("testing").config["SECRET_KEY_FALLBACKS"].append("leaked")
    assert make_app("testing").config["SECRET_KEY_FALLBACKS"] == []


def test_production_requires_the_secret() -> None:
    with pytest.raises(settings.ConfigError, match=f"{PREFIX}SECRET_KEY"):
        create_app({"ENV": "production"})


def test_development_falls_back_to_the_secret_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / settings.SECRET_KEY_FILE).write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    assert create_app({"ENV": "development"}).config["SECRET_KEY"] == "from-the-file"


def test_the_database_defaults_to_sqlite_under_var(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(f"{PREFIX}DATABASE_URL")
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    app = create_app({"ENV": "testing", "SECRET_KEY": "s"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/var/testing.sqlite3"
    assert (tmp_path / "var").is_dir()


def test_postgresql_urls_get_the_psycopg_driver(monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}DATABASE_URL", "postgresql://app:pw@127.0.0.1:5432/app")
    app = create_app({"ENV": "testing", "SECRET_KEY": "s"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app:pw@127.0.0.1:5432/app"


def test_only_the_wrong_nested_variable_is_named(monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}GUNICORN__TIMEOUT", "60")
    monkeypatch.setenv(f"{PREFIX}PORT__X", "1")
    with pytest.raises(settings.ConfigError) as raised:
        create_app({"ENV": "testing", "SECRET_KEY": "s"})
    assert str(raised.value).startswith(f"{PREFIX}PORT__X:")
    assert "GUNICORN" not in str(raised.value).split(":")[0]


def test_production_never_runs_the_debugger(monkeypatch) -> None:
    """`flask run --debug` sets FLASK_DEBUG before it builds the app."""
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(settings.ConfigError, match="production never runs the debugger"):
        create_app({"ENV": "production", "SECRET_KEY": "s" * 24})
    assert create_app({"ENV": "development", "SECRET_KEY": "s"}).debug is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENV", "staging"),
        ("PORT", "70000"),
        ("HOST", "0"),
        ("LOG_LEVEL", "LOUD"),
        ("WORKERS", "0"),
        ("MAX_CONTENT_LENGTH", "true"),
        ("NOTES_PER_PAGE", "many"),
        ("PORT", "8000.9"),
        ("DATABASE_URL", "mysql://db/app"),
        ("WTF_CSRF_TIME_LIMIT", "0"),
        ("SECRET_KEY_FALLBACKS", "old-secret"),
        ("CONTENT_SECURITY_POLICY", "42"),
        ("PORT__X", "1"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, name: str, value: str) -> None:
    monkeypatch.setenv(f"{PREFIX}{name}", value)
    monkeypatch.setenv(f"{PREFIX}SECRET_KEY", "secret")
    with pytest.raises(settings.ConfigError, match=PREFIX) as raised:
        create_app()
    assert "\n" not in str(raised.value)
    assert name.split("__")[0] in str(raised.value)


def test_flask_run_debug_in_production_is_one_line(tmp_path: Path) -> None:
    """`flask run --debug` builds the app through Flask's own command line (run in process:
    the same click group `python -m flask` runs; the runner restores the variables it sets)."""
    env = {
        f"{PREFIX}ENV": "production",
        f"{PREFIX}SECRET_KEY": "s" * 24,
        f"{PREFIX}DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "FLASK_DEBUG": "0",
        "FLASK_RUN_FROM_CLI": None,
    }
    args = ["--app", "{{ cookiecutter.package_name }}", "run", "--debug"]
    result = CliRunner().invoke(flask_cli, args, env=env, prog_name="flask")
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: production never runs the debugger")
