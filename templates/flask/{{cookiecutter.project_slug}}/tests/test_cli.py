"""The custom `flask show-config` command."""

from __future__ import annotations

import json

from {{ cookiecutter.package_name }}.cli import show_config


def test_show_config_masks_the_secrets(make_app) -> None:
    app = make_app(
        "production", SECRET_KEY_FALLBACKS=["old-secret"], WTF_CSRF_SECRET_KEY="csrf-secret"
    )
    result = app.test_cli_runner().invoke(args=["show-config"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["SECRET_KEY"] == "********"
    assert shown["SECRET_KEY_FALLBACKS"] == ["********"]
    assert shown["WTF_CSRF_SECRET_KEY"] == "********"
    assert app.config["SECRET_KEY"] not in result.output
    assert "old-secret" not in result.output
    assert "csrf-secret" not in result.output
    assert shown["ENVIRONMENT"] == "production"
    assert shown["WORKERS"] == 2
    assert shown["GUNICORN"]["GRACEFUL_TIMEOUT"] == 3


def test_show_config_selected_keys(runner) -> None:
    result = runner.invoke(show_config, ["--key", "PORT", "--key", "ENVIRONMENT"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"ENVIRONMENT": "testing", "PORT": 8000}


def test_show_config_unknown_key(runner) -> None:
    result = runner.invoke(show_config, ["--key", "NO_SUCH_KEY"])
    assert result.exit_code == 2
    assert "no such key: NO_SUCH_KEY" in result.output


def test_show_config_prints_unicode_and_other_types(make_app) -> None:
    app = make_app(GREETING="Grüße, 世界 🎉")
    result = app.test_cli_runner().invoke(args=["show-config", "--key", "GREETING"])
    assert json.loads(result.output) == {"GREETING": "Grüße, 世界 🎉"}
    result = app.test_cli_runner().invoke(
        args=["show-config", "--key", "PERMANENT_SESSION_LIFETIME"]
    )
    assert json.loads(result.output) == {"PERMANENT_SESSION_LIFETIME": "31 days, 0:00:00"}
