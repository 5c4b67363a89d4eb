"""Configuration layering with tornado.options, and the one-line errors on bad values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tornado.options import OptionParser

from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.__main__ import main
from {{ cookiecutter.package_name }}.options import config_file, new_parser
from {{ cookiecutter.package_name }}.options import load_options as load_command
from {{ cookiecutter.package_name }}.settings import ConfigError, env_var

SECRET = {env_var("SECRET_KEY"): "s3cret-of-at-least-24-characters"}


def load_options(environment: str, argv: Any = ("",), environ: Any = None) -> OptionParser:
    return load_command(environment, argv, environ)[1]


def test_every_environment_has_a_config_file() -> None:
    for environment in settings.ENVIRONMENTS:
        assert config_file(environment).is_file()


def test_defaults_come_from_the_settings_contract() -> None:
    parser = new_parser()
    assert parser.host == settings.DEFAULTS["HOST"]
    assert parser.port == settings.DEFAULTS["PORT"]
    assert parser.logging == settings.DEFAULTS["LOG_LEVEL"].lower()


def test_config_file_is_per_environment() -> None:
    assert load_options("development").debug is True
    production = load_options("production", environ=SECRET)
    assert production.debug is False
    assert production.poll_timeout == 60.0
    assert load_options("testing").poll_timeout == 2.0


def test_command_line_overrides_config_file() -> None:
    options = load_options("testing", ["prog", "--poll_timeout=7.5", "--port=9001"])
    assert options.poll_timeout == 7.5
    assert options.port == 9001


def test_command_line_overrides_environment() -> None:
    """Defaults, config file, environment, command line: the usual order."""
    environ = {env_var("POLL_TIMEOUT"): "9", env_var("LOG_LEVEL"): "error", env_var("PORT"): "1"}
    options = load_options("testing", ["prog", "--poll-timeout=7.5", "--port=2"], environ)
    assert options.poll_timeout == 7.5
    assert options.port == 2
    assert options.logging == "error"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("off", False), ("no", False), ("NO", False), ("0", False), ("False", False)]
    + [("on", True), ("Yes", True), ("1", True), ("TRUE", True)],
)
def test_booleans_accept_the_usual_spellings(raw: str, expected: bool) -> None:
    assert load_options("development", environ={env_var("DEBUG"): raw}).debug is expected
    assert load_options("development", ["prog", f"--debug={raw}"]).debug is expected


@pytest.mark.parametrize("raw", ["", "n", "disabled", "maybe"])
def test_other_boolean_spellings_are_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match=env_var("DEBUG")):
        load_options("development", environ={env_var("DEBUG"): raw})
    with pytest.raises(ConfigError, match="--debug"):
        load_options("development", ["prog", f"--debug={raw}"])


def test_production_refuses_debug() -> None:
    with pytest.raises(ConfigError, match=f"{env_var('DEBUG')} must be off in production"):
        load_options("production", environ={env_var("DEBUG"): "on", **SECRET})


def test_commands() -> None:
    assert load_command("testing", ["prog"])[0] == "serve"
    assert load_command("testing", ["prog", "migrate", "--port=9"])[0] == "migrate"
    with pytest.raises(ConfigError, match="unknown command 'frobnicate'"):
        load_command("testing", ["prog", "frobnicate"])


def test_help_shows_the_layered_values_and_no_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    environ = {env_var("POLL_TIMEOUT"): "12.5", env_var("SECRET_KEY"): "do-not-print"}
    with pytest.raises(SystemExit) as caught:
        load_options("testing", ["prog", "--help"], environ)
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: prog [serve|migrate] [OPTIONS]")
    assert "(default 12.5)" in out
    assert "do-not-print" not in out


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "70000"),
        ("HOST", " "),
        ("LOG_LEVEL", "loud"),
        ("MAX_WAITERS", "many"),
        ("MAX_WAITERS", "0"),
        ("POLL_TIMEOUT", "-1"),
        ("MAX_BODY_SIZE", "0"),
        ("MAX_HEADER_SIZE", "0"),
        ("UPSTREAM_URL", "ftp://example.com"),
    ],
)
def test_bad_environment_value_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=env_var(name)) as caught:
        load_options("testing", environ={env_var(name): value})
    assert "\n" not in str(caught.value)


def test_several_workers_need_debug_off_and_redis() -> None:
    redis = {env_var("REDIS_URL"): "redis://127.0.0.1:6379/0"}
    with pytest.raises(ConfigError, match=env_var("WORKERS")):
        load_options("development", environ={env_var("WORKERS"): "2", **redis})
    with pytest.raises(ConfigError, match=f"{env_var('WORKERS')}=2 needs {env_var('REDIS_URL')}"):
        load_options("production", environ={env_var("WORKERS"): "2", **SECRET})
    environ = {env_var("WORKERS"): "2", **redis, **SECRET}
    assert load_options("production", environ=environ).workers == 2


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WORKERS", "0"),
        ("WORKERS", "65"),
        ("REDIS_URL", "http://x"),
        ("DATABASE_URL", "mysql://x/y"),
    ],
)
def test_data_settings_are_checked(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=env_var(name)):
        load_options("testing", environ={env_var(name): value})


@pytest.mark.parametrize("argv", [["prog", "--no-such-option=1"], ["prog", "serve", "stray"]])
def test_bad_command_line_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigError, match="usage: unknown argument"):
        load_options("testing", argv)
    assert capsys.readouterr().out == ""  # no help printed


def test_production_requires_the_secret_even_with_a_local_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / settings.SECRET_KEY_FILE).write_text("local-development-secret\n")
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    with pytest.raises(ConfigError, match=env_var("SECRET_KEY")):
        load_options("production")
    assert load_options("development").secret_key == "local-development-secret"


def test_main_reports_a_bad_value_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(env_var("ENV"), "production")
    monkeypatch.delenv(env_var("SECRET_KEY"), raising=False)
    with pytest.raises(SystemExit) as caught:
        main(["prog"])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert env_var("SECRET_KEY") in captured.err
