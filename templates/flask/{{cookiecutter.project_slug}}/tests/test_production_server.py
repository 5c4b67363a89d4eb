"""The real production server: the console script under gunicorn, over HTTP on 127.0.0.1.

Starting the servers was most of this module's time, so conftest.py's ``production_processes``
starts them with the session's first test, side by side, on one migrated database: ``server``
with the production defaults, shared by the tests that only send it requests, ``second_server``
with the access log switched on, which one test reads the first one's notes from and then stops,
and one without a secret, which must refuse to start. The tests here wait for them.
"""

from __future__ import annotations

import json
import signal
import time
from html import escape
from urllib.parse import quote

import pytest
from live_server import LiveServer

from {{ cookiecutter.package_name }} import PROJECT_NAME, settings

from .conftest import ProductionProcesses

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0
UNICODE_TEXT = "Grüße, 世界 🎉"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server(production_processes: ProductionProcesses) -> LiveServer:
    production_processes.server.wait_until_healthy(STARTUP_TIMEOUT)
    return production_processes.server


@pytest.fixture(scope="module")
def second_server(production_processes: ProductionProcesses) -> LiveServer:
    production_processes.second_server.wait_until_healthy(STARTUP_TIMEOUT)
    return production_processes.second_server


def create_note(server: LiveServer) -> str:
    """POST a note with non-ASCII text; its Location."""
    body = json.dumps({"text": UNICODE_TEXT}, ensure_ascii=False).encode()
    created = server.request("POST", "/api/notes", body, JSON)
    assert created.status == 201
    assert created.json()["text"] == UNICODE_TEXT
    return created.headers["Location"]


def test_pages_over_http(server: LiveServer) -> None:
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


def test_errors_and_csrf_over_http_without_a_traceback(server: LiveServer) -> None:
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


def test_hardening_as_gunicorn_delivers_the_request(server: LiveServer) -> None:
    """security.py's headers and UTF-8 check behind gunicorn, and gunicorn's own limits."""
    index = server.get("/")
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in index.headers["Content-Security-Policy"]
    assert server.get("/health").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert server.get("/hello/%FF%FE").status == 400
    assert server.get("/api/notes?tag=%FF%FE").json()["status"] == 400
    assert server.get("/health", x_padding="a" * 100_000).status == 431
    assert server.get("/" + "a" * 100_000).status == 414


def test_two_workers_share_the_notes_and_log_no_requests(server: LiveServer) -> None:
    """Each read opens a new connection, so gunicorn hands them to either worker."""
    location = create_note(server)
    for _ in range(12):
        assert server.get(location).json()["text"] == UNICODE_TEXT
    output = server.output()
    assert output.count("Booting worker") == 2
    assert "Traceback" not in output
    # No access log by default: the reverse proxy in front logs the requests. (gunicorn writes
    # an access line just after its response, so the earlier tests' requests are the evidence.)
    assert '"GET /health HTTP/1.1" 200' not in output


def test_another_server_reads_the_notes_logs_access_and_stops_on_sigterm(
    server: LiveServer, second_server: LiveServer
) -> None:
    """A second process on the same database, as after a restart: the notes are in the
    database, not in a worker. It logs each request once its access log is switched on."""
    location = create_note(server)
    assert second_server.get(location).json()["text"] == UNICODE_TEXT

    started = time.monotonic()
    assert second_server.stop(signal.SIGTERM) == 0, second_server.output()
    assert time.monotonic() - started < STOP_TIMEOUT
    output = second_server.output()
    assert output.count("Booting worker") == 2
    assert "Traceback" not in output
    assert f'"GET {location} HTTP/1.1" 200' in output
    assert server.get(location).status == 200


def test_production_without_secret_prints_one_line(
    production_processes: ProductionProcesses,
) -> None:
    server = production_processes.without_secret
    code = server.wait(STARTUP_TIMEOUT)
    lines = [line for line in server.output().splitlines() if line.strip()]
    assert code == 2
    assert len(lines) == 1, lines
    assert f"{settings.PREFIX}SECRET_KEY" in lines[0]
