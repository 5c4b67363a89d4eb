"""Settings: layering (defaults, ini file, environment), and the one-line refusal of bad values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import bottle
import pytest

from {{ cookiecutter.package_name }} import config as config_module
from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.app import create_app
from {{ cookiecutter.package_name }}.config import check_extensions


def test_each_environment_reads_its_own_ini_file() -> None:
    testing = create_app("testing", {"SECRET_KEY": "s"}).config
    production = create_app("production", {"SECRET_KEY": "s" * 24}).config
    assert (testing["app.server"], testing["app.https"], testing["app.log_level"]) == (
        "wsgiref",
        False,
        "WARNING",
    )
    assert (production["app.server"], production["app.https"]) == ("waitress", True)


def test_defaults_fill_in_what_the_ini_file_leaves_out() -> None:
    config = create_app("testing", {"SECRET_KEY": "s"}).config
    assert config["app.port"] == 8000
    assert config["app.host"] == "127.0.0.1"
    assert config["app.max_upload_bytes"] == 1024 * 1024
    assert ".png" in config["app.upload_extensions"]
    assert config["app.env"] == "testing"
    assert (config["app.workers"], config["app.threads"]) == (2, 4)


def test_the_database_and_uploads_default_to_var_per_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(settings.env_var("DATABASE_URL"))
    config = create_app("production", {"SECRET_KEY": "s" * 24}).config
    var = settings.PROJECT_ROOT / "var"
    assert config["app.database_path"] == var / "production.sqlite3"
    assert config["app.upload_dir"] == var / "production-uploads"


def test_uploads_follow_the_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), f"sqlite:///{tmp_path}/data/app.db")
    assert create_app("testing").config["app.upload_dir"] == tmp_path / "data" / "app-uploads"


def test_a_relative_database_url_is_relative_to_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), "sqlite:///data/app.sqlite3")
    config = create_app("testing").config
    assert config["app.database_path"] == tmp_path.resolve() / "data" / "app.sqlite3"
    assert config["app.upload_dir"] == tmp_path.resolve() / "data" / "app-uploads"


def test_environment_variables_override_the_ini_file(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "HTTPS": "no",
        "PORT": "8123",
        "MAX_UPLOAD_BYTES": "2048",
        "UPLOAD_EXTENSIONS": "md, .TXT",
        "SERVER": "Cheroot",
        "SECRET_KEY": "from-the-environment-24-characters",
        "WORKERS": "3",
        "THREADS": "8",
        "UPLOAD_DIR": "/srv/files",
        "RELOAD_INTERVAL": "0.25",
    }
    for name, value in values.items():
        monkeypatch.setenv(settings.env_var(name), value)
    config = create_app("production").config
    assert config["app.https"] is False
    assert config["app.port"] == 8123
    assert config["app.max_upload_bytes"] == 2048
    assert config["app.upload_extensions"] == {".md", ".txt"}
    assert config["app.server"] == "cheroot"
    assert config["app.secret_key"] == "from-the-environment-24-characters"
    assert (config["app.workers"], config["app.threads"]) == (3, 8)
    assert config["app.upload_dir"] == Path("/srv/files")
    assert config["app.reload_interval"] == 0.25


def test_the_environment_comes_from_the_prefixed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.env_var("ENV"), "testing")
    assert create_app().config["app.env"] == "testing"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("PORT", "8000.9"),
        ("HOST", " "),
        ("LOG_LEVEL", "LOUD"),
        ("SERVER", "tornado"),
        ("HTTPS", "maybe"),
        ("MAX_UPLOAD_BYTES", "0"),
        ("MAX_UPLOAD_BYTES", "1e6"),
        ("UPLOAD_EXTENSIONS", ", ,"),
        ("UPLOAD_EXTENSIONS", ".tar/gz"),
        ("UPLOAD_DIR", "  "),
        ("WORKERS", "0"),
        ("THREADS", "65"),
        ("RELOAD_INTERVAL", "0"),
        ("RELOAD_INTERVAL", "soon"),
        ("DATABASE_URL", "var/app.sqlite3"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(settings.env_var(name), value)
    with pytest.raises(settings.ConfigError) as error:
        create_app("testing", {"SECRET_KEY": "s"})
    message = str(error.value)
    assert message.startswith(settings.env_var(name)) and "\n" not in message
    assert repr(value) in message


@pytest.mark.parametrize(
    "url", ["postgresql://app:hunter2@db/app", "postgresql+psycopg://db/app", "mysql://db/app"]
)
def test_only_sqlite_is_accepted_and_the_line_says_why(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), url)
    with pytest.raises(settings.ConfigError) as error:
        create_app("testing", {"SECRET_KEY": "s"})
    message = str(error.value)
    assert message.startswith(settings.env_var("DATABASE_URL") + " must be a sqlite:// URL")
    assert "standard library" in message and "hunter2" not in message and "\n" not in message


def test_an_unknown_environment_is_refused_before_any_file_is_read() -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("ENV")):
        create_app("../production", {"SECRET_KEY": "s"})


def test_production_requires_the_secret_key() -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("SECRET_KEY")):
        create_app("production")


def test_extensions_are_normalised() -> None:
    assert check_extensions("TXT, .Csv  pdf") == {".txt", ".csv", ".pdf"}
    assert check_extensions([".png", "gif"]) == {".png", ".gif"}


def test_every_default_is_checked_by_a_filter() -> None:
    assert set(config_module.DEFAULTS) <= set(config_module.FILTERS)


def test_a_relative_upload_dir_is_made_absolute(
    make_app: Callable[..., bottle.Bottle], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert make_app(UPLOAD_DIR="files").config["app.upload_dir"] == tmp_path.resolve() / "files"
