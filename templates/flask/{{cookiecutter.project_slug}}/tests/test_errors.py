"""Unhandled errors: Werkzeug's debugger in development, a plain 500 in production."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.debug import DebuggedApplication
from werkzeug.serving import make_server

SECRET_MESSAGE = "secret detail of a crash"


def add_failing_routes(app: Flask) -> Flask:
    """Routes that raise, one for the HTML pages and one under the API prefix."""

    def crash() -> str:
        raise RuntimeError(SECRET_MESSAGE)

    app.add_url_rule("/crash", "crash", crash)
    app.add_url_rule("/api/crash", "api_crash", crash)
    return app


@pytest.fixture
def debug_server(make_app, free_port: int) -> Iterator[int]:
    """The development app behind the debugger, as `flask run --debug` and the console script
    serve it (app.run(debug=True) sets app.debug and wraps the app in DebuggedApplication),
    over real HTTP on 127.0.0.1."""
    app = add_failing_routes(make_app("development"))
    app.debug = True
    server = make_server("127.0.0.1", free_port, DebuggedApplication(app, evalex=True))
    # shutdown() waits for the serving loop's next poll: every 0.5 s by default.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield free_port
    finally:
        server.shutdown()
        thread.join(timeout=5)


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def test_development_shows_the_debugger(debug_server: int) -> None:
    status, page = get(debug_server, "/crash")
    assert status == 500
    assert "Werkzeug Debugger" in page
    assert "Traceback" in page
    assert f"RuntimeError: {SECRET_MESSAGE}" in page


def test_development_api_errors_show_the_debugger_too(debug_server: int) -> None:
    status, page = get(debug_server, "/api/crash")
    assert status == 500
    assert "Werkzeug Debugger" in page


def test_production_gives_a_plain_500_page(make_app) -> None:
    client = add_failing_routes(make_app("production")).test_client()
    response = client.get("/crash")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>500 Internal Server Error</h1>" in page
    for leak in ("Traceback", SECRET_MESSAGE, "RuntimeError", 'File "'):
        assert leak not in page


def test_production_gives_a_json_500_for_the_api(make_app) -> None:
    client = add_failing_routes(make_app("production")).test_client()
    response = client.get("/api/crash")
    assert response.status_code == 500
    body = response.get_json()
    assert body["status"] == 500
    assert body["error"] == "Internal Server Error"
    assert SECRET_MESSAGE not in response.get_data(as_text=True)


def test_production_logs_the_traceback(make_app, caplog) -> None:
    client = add_failing_routes(make_app("production")).test_client()
    client.get("/crash")
    assert any(record.exc_info for record in caplog.records)
    assert SECRET_MESSAGE in caplog.text


def test_testing_lets_the_exception_reach_the_test(make_app) -> None:
    client = add_failing_routes(make_app("testing")).test_client()
    with pytest.raises(RuntimeError, match=SECRET_MESSAGE):
        client.get("/crash")


@pytest.mark.parametrize("path", ["/hello/%FF%FE", "/api/notes?tag=%FF", "/hello/%C3"])
def test_the_development_server_refuses_invalid_utf8_too(debug_server: int, path: str) -> None:
    """Werkzeug's server decodes bad bytes to U+FFFD before the app sees the path; gunicorn
    hands them over as latin-1. Both get the same 400."""
    status, _ = get(debug_server, path)
    assert status == 400
