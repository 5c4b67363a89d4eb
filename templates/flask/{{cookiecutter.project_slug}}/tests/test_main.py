"""The console script: its commands, which server `serve` starts, and with which options."""

from __future__ import annotations

import gc
import runpy
import sys
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from {{ cookiecutter.package_name }} import __main__ as console
from {{ cookiecutter.package_name }} import database, settings
from {{ cookiecutter.package_name }}.server import ProductionServer, gunicorn_options

PREFIX = settings.PREFIX
SCRIPT = "{{ cookiecutter.project_slug }}"


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


@pytest.fixture
def production_env(monkeypatch, database_url: str) -> None:
    """Production settings on a migrated database."""
    monkeypatch.setenv(f"{PREFIX}ENV", "production")
    monkeypatch.setenv(f"{PREFIX}SECRET_KEY", "production-secret-of-24-characters")
    monkeypatch.setenv(f"{PREFIX}DATABASE_URL", database_url)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(console.main, list(args), prog_name=SCRIPT)


def test_development_runs_the_debugger_and_reloader(monkeypatch, flask_run, gunicorn_run) -> None:
    monkeypatch.setenv(f"{PREFIX}PORT", "8123")
    result = invoke()
    assert result.exit_code == 0, result.output
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


def test_the_command_line_overrides_the_environment(monkeypatch, flask_run) -> None:
    monkeypatch.setenv(f"{PREFIX}PORT", "8123")
    assert invoke("serve", "--port", "9999", "--host", "::1").exit_code == 0
    assert (flask_run[0]["host"], flask_run[0]["port"]) == ("::1", 9999)


def test_help_and_unknown_arguments_start_no_server(flask_run, gunicorn_run) -> None:
    help_text = invoke("--help")
    assert help_text.exit_code == 0
    assert "serve" in help_text.output and "migrate" in help_text.output
    for args in (["--port", "9999"], ["serve", "--bogus"], ["unknown"], ["serve", "--port", "0"]):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Usage:" in result.output
    assert flask_run == gunicorn_run == []


def test_development_applies_pending_migrations_at_start(flask_run, tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path}/fresh.sqlite3"
    monkeypatch.setenv(f"{PREFIX}DATABASE_URL", url)
    assert invoke().exit_code == 0
    app = console.create_app({"ENV": "testing", "SECRET_KEY": "s", "DATABASE_URL": url})
    with app.app_context():
        assert database.pending_migrations() == 0


def test_production_refuses_pending_migrations_until_migrate(
    monkeypatch, tmp_path, gunicorn_run
) -> None:
    monkeypatch.setenv(f"{PREFIX}ENV", "production")
    monkeypatch.setenv(f"{PREFIX}SECRET_KEY", "production-secret-of-24-characters")
    monkeypatch.setenv(f"{PREFIX}DATABASE_URL", f"sqlite:///{tmp_path}/fresh.sqlite3")
    refused = invoke()
    assert refused.exit_code == 2
    assert refused.output.count("\n") == 1
    assert "pending migration" in refused.output
    assert settings.MIGRATE_COMMAND in refused.output
    assert gunicorn_run == []
    migrated = invoke("migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "up to date" in migrated.output
    assert invoke().exit_code == 0
    assert len(gunicorn_run) == 1


def test_an_unreachable_database_is_one_line(monkeypatch, gunicorn_run) -> None:
    monkeypatch.setenv(f"{PREFIX}ENV", "production")
    monkeypatch.setenv(f"{PREFIX}SECRET_KEY", "production-secret-of-24-characters")
    monkeypatch.setenv(f"{PREFIX}DATABASE_URL", "postgresql://app:hunter2@127.0.0.1:1/app")
    result = invoke()
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert f"{PREFIX}DATABASE_URL" in result.output
    assert "hunter2" not in result.output


def test_testing_runs_without_debugger(monkeypatch, flask_run) -> None:
    monkeypatch.setenv(f"{PREFIX}ENV", "testing")
    assert invoke().exit_code == 0
    assert flask_run[0]["debug"] is False
    assert flask_run[0]["use_reloader"] is False


def test_production_runs_gunicorn_from_the_config(
    monkeypatch, production_env, flask_run, gunicorn_run
) -> None:
    monkeypatch.setenv(f"{PREFIX}PORT", "8124")
    monkeypatch.setenv(f"{PREFIX}WORKERS", "3")
    monkeypatch.setenv(f"{PREFIX}LOG_LEVEL", "warning")
    assert invoke().exit_code == 0
    assert flask_run == []
    (server,) = gunicorn_run
    assert server.cfg.bind == ["127.0.0.1:8124"]
    assert server.cfg.workers == 3
    assert server.cfg.loglevel == "warning"
    assert server.cfg.graceful_timeout == 3
    assert server.load() is server.wsgi()
    assert server.load().config["ENVIRONMENT"] == "production"


def test_production_without_secret_exits_2_with_one_line(monkeypatch, gunicorn_run) -> None:
    monkeypatch.setenv(f"{PREFIX}ENV", "production")
    result = invoke()
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert f"{PREFIX}SECRET_KEY" in result.output
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
    monkeypatch.setattr(sys, "argv", ["{{ cookiecutter.package_name }}"])
    with pytest.raises(SystemExit) as raised:
        runpy.run_module("{{ cookiecutter.package_name }}", run_name="__main__")
    assert raised.value.code == 0
    assert flask_run[0]["use_reloader"] is True


def test_the_master_freezes_its_objects_and_drops_its_connections_before_forking(
    monkeypatch, production_env
) -> None:
    """Workers forked from the master must neither share its database connections nor copy its
    heap when they collect garbage or exit."""
    seen: list[tuple[int, int]] = []

    def fake_run(self: Any) -> None:
        with self.application.app_context():
            seen.append((gc.get_freeze_count(), database.db.engine.pool.checkedin()))

    monkeypatch.setattr("gunicorn.app.base.BaseApplication.run", fake_run)
    try:
        assert invoke().exit_code == 0
    finally:
        gc.unfreeze()
    ((frozen, pooled),) = seen
    assert frozen > 0
    assert pooled == 0
