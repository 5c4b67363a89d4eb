"""Configuration layering with tornado.options, and the one-line errors on bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.__main__ import main
from {{ cookiecutter.package_name }}.options import config_file, load_options, new_parser
from {{ cookiecutter.package_name }}.settings import ConfigError, env_var

SECRET = {env_var("SECRET_KEY"): "s3cret"}


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


def test_environment_overrides_command_line() -> None:
    environ = {env_var("POLL_TIMEOUT"): "9", env_var("LOG_LEVEL"): "error"}
    options = load_options("testing", ["prog", "--poll_timeout=7.5"], environ)
    assert options.poll_timeout == 9.0
    assert options.logging == "error"


def test_environment_booleans_parse_like_flags() -> None:
    assert load_options("development", environ={env_var("DEBUG"): "false"}).debug is False


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


def test_several_processes_need_debug_off() -> None:
    with pytest.raises(ConfigError, match=env_var("PROCESSES")):
        load_options("development", environ={env_var("PROCESSES"): "2"})
    assert load_options("production", environ={env_var("PROCESSES"): "2", **SECRET}).processes == 2


@pytest.mark.parametrize("argv", [["prog", "--no-such-option=1"], ["prog", "stray"]])
def test_bad_command_line_is_a_config_error(argv: list[str]) -> None:
    with pytest.raises(ConfigError, match="command line"):
        load_options("testing", argv)


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
