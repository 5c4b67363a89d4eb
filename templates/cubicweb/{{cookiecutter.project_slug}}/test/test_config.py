"""Configuration layering and the console script's refusals (no CubicWeb instance needed)."""

import socket
from pathlib import Path
from unittest import mock

import pytest

from {{ cookiecutter.package_name }} import __main__, config, settings
from {{ cookiecutter.package_name }}.settings import ConfigError

PREFIX = settings.PREFIX
# Long enough for every production rule on secrets.
SECRET = "a-production-secret-of-some-length"


def env(**values: str) -> dict[str, str]:
    return {PREFIX + name: value for name, value in values.items()}


def test_development_layers_file_over_defaults():
    loaded = config.load_config(env(ENV="development"))
    assert loaded.debug
    assert (loaded.host, loaded.port, loaded.threads) == ("127.0.0.1", 8000, 4)
    assert loaded.app_settings["cubicweb.debug"] == "true"
    assert loaded.admin_password == "admin"
    assert not loaded.secure_cookies
    assert (loaded.max_body_bytes, loaded.max_header_bytes) == (1024 * 1024, 64 * 1024)
    assert loaded.base_url == "http://127.0.0.1:8000/"
    assert loaded.instance_dir == settings.PROJECT_ROOT / "var" / "development"
    assert loaded.health_check_interval == 1.0


def test_environment_variables_override_the_file(tmp_path):
    loaded = config.load_config(
        env(
            ENV="testing",
            HOST="0.0.0.0",
            PORT="9001",
            LOG_LEVEL="debug",
            THREADS="3",
            SECRET_KEY="s3cret",
            ADMIN_PASSWORD="pw",
            INSTANCE_DIR=str(tmp_path),
            BASE_URL="https://example.org/app",
            SECURE_COOKIES="yes",
            MAX_BODY_BYTES="2048",
            HEALTH_CHECK_INTERVAL="0",
        )
    )
    assert loaded.health_check_interval == 0.0
    assert loaded.secure_cookies and loaded.max_body_bytes == 2048
    assert not loaded.debug
    assert (loaded.host, loaded.port, loaded.threads) == ("0.0.0.0", 9001, 3)
    assert (loaded.log_level, loaded.secret_key, loaded.admin_password) == ("DEBUG", "s3cret", "pw")
    assert loaded.instance_dir == tmp_path
    assert loaded.base_url == "https://example.org/app/"
    assert loaded.instance_name == "{{ cookiecutter.package_name }}"


def test_environments_never_share_an_instance_directory():
    dirs = {config.default_instance_dir(name) for name in settings.ENVIRONMENTS}
    assert len(dirs) == len(settings.ENVIRONMENTS)


def test_installed_package_keeps_instances_in_the_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path / "site-packages")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = tmp_path / "data" / config.DISTRIBUTION / "production"
    assert config.default_instance_dir("production") == expected


def test_production_requires_the_secret_first():
    with pytest.raises(ConfigError, match=f"{PREFIX}SECRET_KEY"):
        config.load_config(env(ENV="production"))


def test_production_requires_an_explicit_admin_password():
    with pytest.raises(ConfigError, match=f"{PREFIX}ADMIN_PASSWORD"):
        config.load_config(env(ENV="production", SECRET_KEY=SECRET))
    loaded = config.load_config(
        env(ENV="production", SECRET_KEY=SECRET, ADMIN_PASSWORD="correct horse battery")
    )
    assert loaded.admin_password == "correct horse battery"
    assert loaded.app_settings["cubicweb.debug"] == "false"
    assert loaded.secure_cookies


@pytest.mark.parametrize("password", ["admin", "ADMIN", "abc", "elevenchars"])
def test_production_refuses_a_guessable_admin_password(password):
    with pytest.raises(ConfigError) as raised:
        config.load_config(env(ENV="production", SECRET_KEY=SECRET, ADMIN_PASSWORD=password))
    message = str(raised.value)
    assert message.startswith(f"{PREFIX}ADMIN_PASSWORD must have at least 12 characters")
    assert "\n" not in message and message.endswith("in production")


def test_development_keeps_its_convenient_admin_password():
    assert config.load_config(env(ENV="development")).admin_password == "admin"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENV", "staging"),
        ("PORT", "http"),
        ("LOG_LEVEL", "LOUD"),
        ("THREADS", "0"),
        ("BASE_URL", "example.org"),
        ("HOST", "  "),
        ("SECURE_COOKIES", "maybe"),
        ("MAX_BODY_BYTES", "lots"),
        ("MAX_BODY_BYTES", "10"),
        ("HEALTH_CHECK_INTERVAL", "-1"),
        ("HEALTH_CHECK_INTERVAL", "nan"),
        ("HEALTH_CHECK_INTERVAL", "soon"),
    ],
)
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(ConfigError, match=f"{PREFIX}{name}"):
        config.load_config(env(**{"ENV": "testing", name: value}))


def test_console_script_reports_one_line_and_exits_2(monkeypatch, capsys):
    for name in ("SECRET_KEY", "ADMIN_PASSWORD"):
        monkeypatch.delenv(PREFIX + name, raising=False)
    monkeypatch.setenv(PREFIX + "ENV", "production")
    with pytest.raises(SystemExit) as raised:
        __main__.main([])
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and f"{PREFIX}SECRET_KEY" in lines[0]


def test_development_migrates_then_runs_under_the_reloader(monkeypatch, free_port):
    import hupper

    from {{ cookiecutter.package_name }} import instance

    calls = []
    monkeypatch.setenv(PREFIX + "ENV", "development")
    monkeypatch.setenv(PREFIX + "PORT", str(free_port))
    monkeypatch.setattr(hupper, "is_active", lambda: False)
    monkeypatch.setattr(hupper, "start_reloader", lambda path, **kw: calls.append(path))
    monkeypatch.setattr(instance, "migrate", lambda config: calls.append("migrate"))
    __main__.main(["serve"])
    assert calls == ["migrate", "{{ cookiecutter.package_name }}.__main__.reloaded"]


@pytest.fixture
def busy_port():
    """A port on 127.0.0.1 that another server listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_a_port_in_use_is_one_line_before_the_reloader_starts(monkeypatch, capsys, busy_port):
    import hupper

    monkeypatch.setenv(PREFIX + "ENV", "development")
    monkeypatch.setenv(PREFIX + "PORT", str(busy_port))
    monkeypatch.setattr(hupper, "is_active", lambda: False)
    monkeypatch.setattr(hupper, "start_reloader", mock.Mock())
    with pytest.raises(SystemExit) as raised:
        __main__.main(["serve"])
    assert raised.value.code == 2
    assert capsys.readouterr().err == (
        f"error: {PREFIX}PORT: cannot listen on 127.0.0.1:{busy_port} (Address already in use)\n"
    )
    hupper.start_reloader.assert_not_called()


def test_a_port_in_use_is_a_config_error_for_the_server_too(busy_port):
    from {{ cookiecutter.package_name }} import server

    loaded = config.load_config(env(ENV="testing", PORT=str(busy_port)))
    app = mock.MagicMock()
    with pytest.raises(ConfigError, match=f"{PREFIX}PORT: cannot listen on .* already in use"):
        server.serve(app, loaded)
    app.registry["cubicweb.repository"].shutdown.assert_called_once()


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as raised:
        __main__.main(["--help"])
    assert raised.value.code == 0
    out = capsys.readouterr().out
    assert "serve" in out and "migrate" in out


@pytest.mark.parametrize("argv", [["bogus"], ["serve", "--port"], ["--verbose"]])
def test_unknown_arguments_are_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as raised:
        __main__.main(argv)
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: {{ cookiecutter.project_slug }}") and "error:" in err


def test_config_files_ship_inside_the_package():
    for name in settings.ENVIRONMENTS:
        path = config.ini_file(name)
        assert path.is_file() and Path(config.__file__).parent in path.parents
