"""The console script: which server it starts, and with which options."""

from __future__ import annotations

import runpy
import sys
from typing import Any

import pytest
from flask import Flask

from {{ cookiecutter.package_name }} import __main__ as console
from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.server import ProductionServer, gunicorn_options

PREFIX = settings.PREFIX


@pytest.fixture
def flask_run(monkeypatch) -> list[dict[str, Any]]:
    """Record app.run() calls instead of serving."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(Flask, "run", lambda self, **options: calls.append(options))
    return calls


@pytest.fixture
def gunicorn_run(monkeypatch) -> list[ProductionServer]:
    """Record ProductionServer.run() calls instead of serving."""
    servers: list[ProductionServer] = []
    monkeypatch.setattr(ProductionServer, "run", lambda self: servers.append(self))
    return servers


def test_development_runs_the_debugger_and_reloader(monkeypatch, flask_run, gunicorn_run) -> None:
    monkeypatch.setenv(f"{PREFIX}PORT", "8123")
    console.main()
    assert flask_run == [
        {
            "host": "127.0.0.1",
            "port": 8123,
            "debug": True,
            "use_debugger": True,
            "use_reloader": True,
        }
    ]
    assert gunicorn_run == []


def test_testing_runs_without_debugger(monkeypatch, flask_run) -> None:
    monkeypatch.setenv(f"{PREFIX}ENV", "testing")
    console.main()
    assert flask_run[0]["debug"] is False
    assert flask_run[0]["use_reloader"] is False


def test_production_runs_gunicorn_from_the_config(monkeypatch, flask_run, gunicorn_run) -> None:
    monkeypatch.setenv(f"{PREFIX}ENV", "production")
    monkeypatch.setenv(f"{PREFIX}SECRET_KEY", "production-secret")
    monkeypatch.setenv(f"{PREFIX}PORT", "8124")
    monkeypatch.setenv(f"{PREFIX}WORKERS", "3")
    monkeypatch.setenv(f"{PREFIX}LOG_LEVEL", "warning")
    console.main()
    assert flask_run == []
    (server,) = gunicorn_run
    assert server.cfg.bind == ["127.0.0.1:8124"]
    assert server.cfg.workers == 3
    assert server.cfg.loglevel == "warning"
    assert server.cfg.graceful_timeout == 3
    assert server.load() is server.wsgi()
    assert server.load().config["ENV"] == "production"


def test_production_without_secret_exits_2_with_one_line(monkeypatch, capsys, gunicorn_run) -> None:
    monkeypatch.setenv(f"{PREFIX}ENV", "production")
    with pytest.raises(SystemExit) as raised:
        console.main()
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert f"{PREFIX}SECRET_KEY" in captured.err
    assert gunicorn_run == []


def test_ipv6_host_is_bracketed(make_app) -> None:
    options = gunicorn_options(make_app("production", HOST="::1", PORT=9000).config)
    assert options["bind"] == "[::1]:9000"


def test_gunicorn_table_passes_settings_through(make_app, monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}GUNICORN__KEEPALIVE", "5")
    server = ProductionServer(make_app("production"))
    assert server.cfg.keepalive == 5


def test_production_has_no_access_log_by_default(make_app) -> None:
    server = ProductionServer(make_app("production"))
    assert server.cfg.accesslog is None
    assert server.cfg.errorlog == "-"


def test_access_log_is_switched_on_from_the_environment(make_app, monkeypatch) -> None:
    monkeypatch.setenv(f"{PREFIX}GUNICORN__ACCESSLOG", '"-"')
    server = ProductionServer(make_app("production"))
    assert server.cfg.accesslog == "-"


@pytest.mark.parametrize(
    ("config", "variable"),
    [
        ({"GUNICORN": {"NO_SUCH_SETTING": 1}}, "GUNICORN__NO_SUCH_SETTING"),
        ({"GUNICORN": {"TIMEOUT": "soon"}}, "GUNICORN__TIMEOUT"),
        ({"GUNICORN": "fast"}, "GUNICORN"),
    ],
)
def test_bad_gunicorn_settings_name_the_variable(make_app, config, variable: str) -> None:
    with pytest.raises(settings.ConfigError, match=f"{PREFIX}{variable}\\b"):
        gunicorn_options(make_app("production", **config).config)


def test_python_dash_m_runs_main(flask_run, monkeypatch) -> None:
    # Run __main__ afresh, as `python -m` does, not the copy the other tests imported.
    monkeypatch.delitem(sys.modules, "{{ cookiecutter.package_name }}.__main__")
    runpy.run_module("{{ cookiecutter.package_name }}", run_name="__main__")
    assert flask_run[0]["use_reloader"] is True
