"""The baked project passes its own tests, and its live server keeps the starter contract.

The project is installed once per framework in a fresh virtual environment; the server is the
project's console script, started on a free port on 127.0.0.1.
"""

from __future__ import annotations

import html
import signal
import time
from pathlib import Path

from tests.harness import (
    ENV_PREFIX,
    PROJECT_NAME,
    ProjectEnv,
    Server,
    Services,
    framework_info,
    production_settings,
    running_server,
    start_server,
)
from tests.own_suite import assert_own_suite_passes
from tests.python_versions import postgres_suite_version, running_version

STOP_TIMEOUT = 5.0


def test_own_test_suite_passes(project_env: ProjectEnv, framework: str, services: Services) -> None:
    """On SQLite (the default); on PostgreSQL too (TEST_DATABASE_URL, a fresh database) when no
    other promised Python version is here to run it there (test_python_versions.py)."""
    assert_own_suite_passes(project_env)
    if postgres_suite_version(framework) == running_version():
        database = services.database_url("postgresql")
        assert_own_suite_passes(project_env, TEST_DATABASE_URL=database)


def test_health_is_json_ok(production_server: Server) -> None:
    response = production_server.get("/health")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == "ok"


def test_index_is_html_naming_the_project(production_server: Server) -> None:
    response = production_server.get("/")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    assert html.escape(PROJECT_NAME, quote=False) in response.text


def test_unknown_path_is_404_without_traceback(production_server: Server) -> None:
    response = production_server.get("/no/such/page")
    assert response.status == 404
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


def test_port_comes_from_the_environment(production_server: Server) -> None:
    assert production_server.process.poll() is None
    assert production_server.get("/health").status == 200


def test_production_refuses_to_start_without_secret(
    project_env: ProjectEnv, tmp_path: Path
) -> None:
    settings = production_settings(project_env.framework)
    del settings["SECRET_KEY"]
    server = start_server(project_env, tmp_path / "refused.log", **settings)
    try:
        code = server.process.wait(
            timeout=framework_info(project_env.framework).get("startup_timeout", 30)
        )
    finally:
        server.kill()
    lines = [line for line in server.output().splitlines() if line.strip()]
    assert code != 0
    assert len(lines) == 1, lines
    assert f"{ENV_PREFIX}SECRET_KEY" in lines[0]


def test_sigterm_stops_production_cleanly(
    project_env: ProjectEnv, production_config: dict[str, str], tmp_path: Path
) -> None:
    with running_server(project_env, tmp_path / "sigterm.log", **production_config) as server:
        started = time.monotonic()
        code = server.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
        assert code == 0, f"exit {code} after {time.monotonic() - started:.1f}s:\n{server.output()}"


def test_ctrl_c_stops_development_cleanly(project_env: ProjectEnv, tmp_path: Path) -> None:
    log = tmp_path / "development.log"
    with running_server(project_env, log, ENV="development") as server:
        assert server.get("/health").status == 200
        code = server.stop(signal.SIGINT, group=True, timeout=STOP_TIMEOUT)
        assert code == 0, f"exit {code}:\n{server.output()}"
