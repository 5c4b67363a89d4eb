"""The shared settings contract: names, defaults and one-line errors, the same in every starter."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import settings


@pytest.mark.parametrize("value", [8000, "8000", " 8000 "])
def test_port_accepts_whole_numbers(value: object) -> None:
    assert settings.check_port(value) == 8000


@pytest.mark.parametrize("value", ["8000.9", 8000.9, "8e3", "0", "65536", True, "", None, "٨٠٠٠"])
def test_port_refuses_anything_else(value: object) -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("PORT")):
        settings.check_port(value)


@pytest.mark.parametrize("value", ["0", "65", 2.5, "two", False])
def test_workers_must_be_a_small_positive_integer(value: object) -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("WORKERS")):
        settings.check_workers(value)
    assert settings.check_workers("4") == 4


def test_the_secret_file_is_read_from_the_project_root_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_project = tmp_path / "other"
    other_project.mkdir()
    (other_project / settings.SECRET_KEY_FILE).write_text("not-ours\n", encoding="utf-8")
    monkeypatch.chdir(other_project)
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    assert settings.resolve_secret_key("development", None) != "not-ours"
    (tmp_path / settings.SECRET_KEY_FILE).write_text("ours\n", encoding="utf-8")
    assert settings.resolve_secret_key("development", None) == "ours"
    with pytest.raises(settings.ConfigError, match=settings.env_var("SECRET_KEY")):
        settings.resolve_secret_key("production", None)


def test_the_default_database_is_an_sqlite_file_per_environment_under_var(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(settings.env_var("DATABASE_URL"), raising=False)
    url = settings.database_url("testing")
    assert url.scheme == "sqlite"
    assert url.sqlite_path == settings.PROJECT_ROOT / "var" / "testing.sqlite3"
    assert settings.database_url("production").sqlite_path != url.sqlite_path


def test_the_database_url_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), f"sqlite:///{tmp_path}/new/app.sqlite3")
    url = settings.database_url("production")
    assert url.sqlite_path == tmp_path / "new" / "app.sqlite3"
    url.ensure_directory()
    assert (tmp_path / "new").is_dir()


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not a url",
        "sqlite://",
        "sqlite://host/file.db",
        "mysql://user:hunter2@db/app",
        "postgresql://db:99999/app",
        "postgresql://db:5432",
    ],
)
def test_a_bad_database_url_is_one_line_naming_the_variable(value: str) -> None:
    with pytest.raises(settings.ConfigError) as caught:
        settings.check_database_url(value)
    message = str(caught.value)
    assert settings.env_var("DATABASE_URL") in message
    assert "\n" not in message
    assert "hunter2" not in message


{%- if "postgresql" in framework_info(cookiecutter.framework).get("database_schemes", ["sqlite", "postgresql"]) %}


def test_postgresql_urls_use_psycopg_and_hide_the_password() -> None:
    url = settings.check_database_url("postgresql://app:hunter2@127.0.0.1:5432/app")
    assert url.scheme == "postgresql"
    assert url.database == "app"
    assert url.sqlalchemy_url == "postgresql+psycopg://app:hunter2@127.0.0.1:5432/app"
    assert "hunter2" not in url.redacted()
    assert url.sqlite_path is None
{%- else %}


def test_only_sqlite_is_supported() -> None:
    with pytest.raises(settings.ConfigError, match="sqlite://"):
        settings.check_database_url("postgresql://app@127.0.0.1/app")
{%- endif %}


@pytest.mark.parametrize(
    "value", ["redis://127.0.0.1:6379/0", "rediss://cache:6380", "unix:///r.sock"]
)
def test_redis_urls(value: str) -> None:
    assert settings.check_redis_url(value) == value


@pytest.mark.parametrize("value", ["", "http://127.0.0.1:6379", "redis://", "redis://h:0/0", None])
def test_a_bad_redis_url_names_the_variable(value: object) -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("REDIS_URL")):
        settings.check_redis_url(value)


def test_pending_migrations_name_the_command() -> None:
    message = str(settings.pending_migrations_error(2))
    assert "2 pending" in message
    assert settings.MIGRATE_COMMAND in message


SPELLINGS = ["true", "1", "yes", "on", "false", "0", "no", "off"]


@pytest.mark.parametrize("word", SPELLINGS)
@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_booleans_accept_every_spelling_in_any_case(word: str, case: object) -> None:
    spelled = case(word)  # type: ignore[operator]
    assert settings.check_bool(f" {spelled} ", "FLAG") is (word in settings.TRUE_WORDS)


@pytest.mark.parametrize("value", [True, False, 1, 0])
def test_booleans_take_the_values_config_files_give(value: object) -> None:
    assert settings.check_bool(value, "FLAG") is bool(value)


@pytest.mark.parametrize("value", ["", "maybe", "2", "-1", "tru", "offf", "y", "n", None, 2, 0.0])
def test_booleans_refuse_anything_else_in_one_line(value: object) -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("FLAG")) as refused:
        settings.check_bool(value, "FLAG")
    assert "\n" not in str(refused.value) and "on/off" in str(refused.value)


@pytest.mark.parametrize("length", [8, settings.MIN_SECRET_KEY_LENGTH - 1])
def test_production_refuses_a_short_secret_without_showing_it(length: int) -> None:
    secret = ("Zq9x" * 8)[:length]
    with pytest.raises(settings.ConfigError, match=settings.env_var("SECRET_KEY")) as refused:
        settings.resolve_secret_key("production", secret)
    message = str(refused.value)
    assert f"at least {settings.MIN_SECRET_KEY_LENGTH} characters" in message
    assert secret not in message and "\n" not in message


def test_production_takes_a_secret_of_the_minimum_length_and_development_any() -> None:
    secret = "s" * settings.MIN_SECRET_KEY_LENGTH
    assert settings.resolve_secret_key("production", secret) == secret
    assert settings.resolve_secret_key("development", "short") == "short"


def test_logging_leaves_out_waitress_queue_warnings(caplog: pytest.LogCaptureFixture) -> None:
    """One line per queued request under a burst: silenced, waitress' other warnings kept."""
    queue = logging.getLogger("waitress.queue")
    level = queue.level
    try:
        settings.configure_logging("INFO")
        with caplog.at_level(logging.INFO):
            queue.warning("Task queue depth is 3")
            logging.getLogger("waitress").warning("the server is on fire")
    finally:
        queue.setLevel(level)
    assert [record.name for record in caplog.records] == ["waitress"]


def test_start_up_objects_are_kept_out_of_the_collector() -> None:
    gc.unfreeze()  # pytest's own collection_finish hook froze them already
    try:
        settings.freeze_startup_objects()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
