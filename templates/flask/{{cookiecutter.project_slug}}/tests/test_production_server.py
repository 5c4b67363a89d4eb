"""The real production server: the console script under gunicorn, over HTTP on 127.0.0.1.

``start_server`` comes from the project's root conftest.py.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import quote

import pytest

from {{ cookiecutter.package_name }} import PROJECT_NAME, settings

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0
UNICODE_TEXT = "Grüße, 世界 🎉"


@pytest.fixture
def production(database_url: str) -> dict[str, str]:
    """Production settings on the test's migrated database."""
    return {
        "ENV": "production",
        "SECRET_KEY": "integration-secret-of-24-characters",
        "DATABASE_URL": database_url,
    }


@pytest.fixture
def production_server(start_server: Callable[..., Any], production: dict[str, str]) -> Any:
    return start_server(WORKERS="1", **production)


def test_two_workers_and_a_restart_share_the_notes(
    start_server: Callable[..., Any], production: dict[str, str]
) -> None:
    """Each read opens a new connection, so gunicorn hands them to either worker."""
    server = start_server(WORKERS="2", **production)
    body = json.dumps({"text": UNICODE_TEXT}, ensure_ascii=False).encode()
    created = server.request("POST", "/api/notes", body, {"Content-Type": "application/json"})
    assert created.status == 201
    location = created.headers["Location"]
    for _ in range(12):
        assert server.get(location).json()["text"] == UNICODE_TEXT
    assert server.stop(signal.SIGTERM) == 0, server.output()
    restarted = start_server(WORKERS="2", **production)
    assert restarted.get(location).json()["text"] == UNICODE_TEXT


def test_production_server_over_http_then_sigterm(production_server: Any) -> None:
    server = production_server
    health = server.get("/health")
    assert health.headers["Content-Type"] == "application/json"
    assert health.json()["status"] == "ok"

    index = server.get("/")
    assert index.status == 200
    assert escape(PROJECT_NAME) in index.text

    hello = server.get("/hello/" + quote(UNICODE_TEXT))
    assert hello.status == 200
    assert UNICODE_TEXT in hello.text

    visits = server.get("/visits")
    cookie_flags = {flag.strip().lower() for flag in visits.headers["Set-Cookie"].split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= cookie_flags

    body = json.dumps({"text": UNICODE_TEXT}, ensure_ascii=False).encode()
    created = server.request("POST", "/api/notes", body, {"Content-Type": "application/json"})
    assert created.status == 201
    assert created.json()["text"] == UNICODE_TEXT

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    forged = server.request("POST", "/greet", b"name=Ada", form)
    assert forged.status == 400
    assert "The CSRF token is missing." in forged.text
    assert b"Traceback" not in forged.body

    missing = server.get("/no/such/page")
    assert missing.status == 404
    assert b"Traceback" not in missing.body
    api_missing = server.get("/api/notes/999")
    assert api_missing.status == 404
    assert api_missing.json()["message"] == "note 999 does not exist"

    # Hardening (security.py) as gunicorn delivers the request, and gunicorn's own limits.
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in index.headers["Content-Security-Policy"]
    assert health.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert server.get("/hello/%FF%FE").status == 400
    assert server.get("/api/notes?tag=%FF%FE").json()["status"] == 400
    assert server.get("/health", x_padding="a" * 100_000).status == 431
    assert server.get("/" + "a" * 100_000).status == 414

    started = time.monotonic()
    code = server.stop(signal.SIGTERM)
    assert code == 0, server.output()
    assert time.monotonic() - started < STOP_TIMEOUT
    output = server.output()
    assert "Booting worker" in output
    assert "Traceback" not in output
    # No access log by default: the reverse proxy in front logs the requests.
    assert '"GET /health HTTP/1.1" 200' not in output


def test_production_access_log_on_stdout_when_switched_on(
    start_server: Callable[..., Any], production: dict[str, str]
) -> None:
    server = start_server(WORKERS="1", GUNICORN__ACCESSLOG='"-"', **production)
    assert server.get("/health").status == 200
    assert server.stop(signal.SIGTERM) == 0, server.output()
    assert '"GET /health HTTP/1.1" 200' in server.output()


def test_production_without_secret_prints_one_line(start_server: Callable[..., Any]) -> None:
    server = start_server(ENV="production", wait=False)
    code = server.wait(STARTUP_TIMEOUT)
    lines = [line for line in server.output().splitlines() if line.strip()]
    assert code == 2
    assert len(lines) == 1, lines
    assert f"{settings.PREFIX}SECRET_KEY" in lines[0]
