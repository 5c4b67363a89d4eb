"""Layering: defaults < config/common.conf, config/<env>.conf < the file named by
{{ cookiecutter.__env_prefix }}CONFIG < environment variables."""

from __future__ import annotations

from pathlib import Path

import cherrypy
import pytest

from {{ cookiecutter.package_name }} import configuration, settings, site

from .support import TEST_SECRET, environ

pytestmark = pytest.mark.usefixtures("isolated_cherrypy")


def load(environment: str = "testing", **variables: str) -> None:
    variables.setdefault("SECRET_KEY", TEST_SECRET)
    configuration.load(environment, environ(**variables))


def write_conf(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deploy.conf"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_come_from_the_settings_contract() -> None:
    load()
    assert cherrypy.config["server.socket_host"] == settings.DEFAULTS["HOST"]
    assert cherrypy.config["server.socket_port"] == settings.DEFAULTS["PORT"]
    assert cherrypy.config["app.log_level"] == settings.DEFAULTS["LOG_LEVEL"]
    assert cherrypy.config["app.database_url"] == settings.default_database_url("testing")


def test_development_has_the_debugger_and_reloader() -> None:
    load("development")
    assert cherrypy.config["request.show_tracebacks"] is True
    assert cherrypy.config["engine.autoreload.on"] is True
    assert cherrypy.config["admin.socket_port"] == 8001


def test_production_has_neither_and_keeps_logging_to_the_screen() -> None:
    load("production")
    assert cherrypy.config["environment"] == "production"
    assert cherrypy.config["request.show_tracebacks"] is False
    assert cherrypy.config["engine.autoreload.on"] is False
    assert cherrypy.config["checker.on"] is False
    # Set in common.conf, it wins over CherryPy's production environment (log.screen False).
    assert cherrypy.config["log.screen"] is True
    assert cherrypy.config["admin.socket_port"] == 0
    # CherryPy's listen backlog of 5 drops handshakes when dozens of clients connect at once.
    assert cherrypy.config["server.socket_queue_size"] == 1024
    # Per-request costs: Server-Timing is a development aid, the proxy keeps the access log.
    assert cherrypy.config.get("tools.timing.on", False) is False
    assert cherrypy.config["tools.request_id.on"] is True
    assert cherrypy.config["app.screen_access_log"] is False


def test_development_keeps_the_timing_header_and_the_access_log() -> None:
    load("development")
    assert cherrypy.config["tools.timing.on"] is True
    assert cherrypy.config.get("app.screen_access_log", True) is True


@pytest.mark.parametrize(
    ("variables", "access_lines"), [({}, False), ({"SCREEN_ACCESS_LOG": "true"}, True)]
)
def test_production_logs_errors_but_no_access_lines_to_the_screen(
    capsys: pytest.CaptureFixture[str], variables: dict[str, str], access_lines: bool
) -> None:
    # log.screen binds the handlers to capsys's streams
    built = site.build(
        configuration.load("production", environ(SECRET_KEY=TEST_SECRET, **variables))
    )
    try:
        cherrypy.log.error("an error line")
        cherrypy.log.access_log.info("an access line")
    finally:
        built.unsubscribe()
    captured = capsys.readouterr()
    assert "an error line" in captured.err
    assert ("an access line" in captured.out) is access_lines


def test_testing_uses_cherrypys_test_suite_environment() -> None:
    load("testing")
    assert cherrypy.config["environment"] == "test_suite"
    assert cherrypy.config["engine.autoreload.on"] is False


def test_deployer_file_overrides_the_packaged_file(tmp_path: Path) -> None:
    path = write_conf(tmp_path, "[global]\nadmin.socket_port = 9002\nserver.socket_port = 9001\n")
    loaded = configuration.load("production", environ(SECRET_KEY=TEST_SECRET, CONFIG=str(path)))
    packaged = [configuration.CONFIG_DIR / name for name in ("common.conf", "production.conf")]
    assert loaded.files == [*packaged, path]
    assert cherrypy.config["admin.socket_port"] == 9002
    assert cherrypy.config["server.socket_port"] == 9001
    assert cherrypy.config["request.show_tracebacks"] is False  # the rest still from production


def test_environment_variables_override_every_file(tmp_path: Path) -> None:
    path = write_conf(tmp_path, "[global]\nserver.socket_port = 9001\nadmin.socket_port = 9002\n")
    load(CONFIG=str(path), PORT="9003", HOST="127.0.0.2", ADMIN_PORT="0", LOG_LEVEL="debug")
    assert cherrypy.config["server.socket_port"] == 9003
    assert cherrypy.config["server.socket_host"] == "127.0.0.2"
    assert cherrypy.config["admin.socket_port"] == 0
    assert cherrypy.config["app.log_level"] == "DEBUG"


def test_boolean_variables(tmp_path: Path) -> None:
    load(PROFILING="yes")
    assert cherrypy.config["profiling.on"] is True
    load(PROFILING="off")
    assert cherrypy.config["profiling.on"] is False


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"HOST": " "}, "HOST"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"ADMIN_PORT": "x"}, "ADMIN_PORT"),
        ({"PROFILING": "maybe"}, "PROFILING"),
        ({"SCREEN_ACCESS_LOG": "sometimes"}, "SCREEN_ACCESS_LOG"),
        ({"CONFIG": "/no/such/file.conf"}, "CONFIG"),
        ({"HTTPS_CERTIFICATE": "/no/such/cert.pem"}, "HTTPS_CERTIFICATE"),
        ({"DATABASE_URL": "mysql://db/app"}, "DATABASE_URL"),
        ({"BEHIND_PROXY": "perhaps"}, "BEHIND_PROXY"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(variables: dict[str, str], named: str) -> None:
    with pytest.raises(settings.ConfigError) as raised:
        load(**variables)
    message = str(raised.value)
    assert settings.env_var(named) in message
    assert "\n" not in message


def test_https_files_must_exist(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not checked here", encoding="utf-8")
    with pytest.raises(settings.ConfigError, match="HTTPS_CERTIFICATE"):
        load(HTTPS_CERTIFICATE=str(tmp_path / "missing.pem"), HTTPS_PRIVATE_KEY=str(key))


def test_half_an_https_setup_is_refused(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not checked here", encoding="utf-8")
    with pytest.raises(settings.ConfigError, match="must be set together"):
        load(HTTPS_CERTIFICATE=str(cert))


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('server.socket_port = "eighty"', "server.socket_port"),
        ("admin.socket_port = 70000", "admin.socket_port"),
        ('app.database_url = "ftp://x"', "app.database_url"),
        ('tools.proxy.on = "maybe"', "tools.proxy.on"),
    ],
)
def test_a_bad_value_in_a_file_names_the_file_and_key(tmp_path: Path, line: str, key: str) -> None:
    """Regression: a file's bad port was blamed on the PORT variable, which nobody had set."""
    path = write_conf(tmp_path, f"[global]\n{line}\n")
    with pytest.raises(settings.ConfigError) as raised:
        load(CONFIG=str(path))
    message = str(raised.value)
    assert message.startswith(f"{key} in {path} ")
    assert settings.PREFIX not in message


def test_the_deployers_path_sections_reach_every_app(tmp_path: Path) -> None:
    """Regression: the deployer's file reached the HTML site but not the API app."""
    path = write_conf(tmp_path, "[/]\ntools.response_headers.on = True\n")
    built = site.build(
        configuration.load("testing", environ(SECRET_KEY=TEST_SECRET, CONFIG=str(path)))
    )
    try:
        for app in (built.site_app, built.api_app):
            assert app.config["/"]["tools.response_headers.on"] is True
    finally:
        built.unsubscribe()


def test_a_malformed_file_is_one_line(tmp_path: Path) -> None:
    path = write_conf(tmp_path, "[global]\nserver.socket_port = (\n")
    with pytest.raises(settings.ConfigError) as raised:
        load(CONFIG=str(path))
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(settings.ConfigError, match="ENV"):
        configuration.load("staging", {})


def test_production_requires_the_secret() -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("SECRET_KEY")):
        configuration.load("production", {})


def test_production_never_reads_the_secret_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / settings.SECRET_KEY_FILE).write_text("file-secret\n", encoding="utf-8")
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    configuration.load("development", {})
    assert cherrypy.config["app.secret_key"] == "file-secret"
    with pytest.raises(settings.ConfigError):
        configuration.load("production", {})


def test_sessions_live_in_the_checkout_or_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed package (a Docker image) keeps them under the working directory's var/."""
    load()
    installed = tmp_path / "site-packages"
    installed.mkdir()
    monkeypatch.setattr(settings, "PROJECT_ROOT", installed)
    monkeypatch.chdir(tmp_path)
    assert site.sessions_dir() == tmp_path / "var" / "sessions"
    (installed / "pyproject.toml").write_text("", encoding="utf-8")
    assert site.sessions_dir() == installed / "var" / "sessions"


def test_a_sessions_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    load(CONFIG=str(write_conf(tmp_path, f'[global]\napp.sessions_dir = "{blocker}/sessions"\n')))
    with pytest.raises(settings.ConfigError, match="app.sessions_dir: cannot create"):
        site.sessions_dir()


def test_the_stop_deadline_is_four_seconds_unless_a_file_says_otherwise(tmp_path: Path) -> None:
    load()
    assert site.stop_deadline() == 4.0
    load(CONFIG=str(write_conf(tmp_path, "[global]\napp.stop_deadline = 0.5\n")))
    assert site.stop_deadline() == 0.5


@pytest.mark.parametrize("value", ["0", "-1", '"soon"', "True", "None"])
def test_a_bad_stop_deadline_is_one_line(tmp_path: Path, value: str) -> None:
    load(CONFIG=str(write_conf(tmp_path, f"[global]\napp.stop_deadline = {value}\n")))
    with pytest.raises(settings.ConfigError, match="app.stop_deadline must be seconds above 0"):
        site.stop_deadline()
