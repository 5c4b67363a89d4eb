"""Security headers on every response, and 400 for URLs that are not valid UTF-8."""

from __future__ import annotations

import pytest
from flask import Flask

from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.security_headers import DEFAULT_CONTENT_SECURITY_POLICY, HSTS

# Werkzeug's test client decodes percent-escapes leniently before the app sees them: bad bytes
# are put into the WSGI environ directly, as a real server such as gunicorn does.
INVALID_PATH = "/hello/\xff\xfe"


def assert_security_headers(response, app: Flask) -> None:
    for name, value in app.extensions["security_headers"].plain:
        assert response.headers.getlist(name) == [value], name
    assert response.headers["Content-Security-Policy"] == DEFAULT_CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/health", 200),
        ("GET", "/api/notes", 200),
        ("GET", "/static/style.css", 200),
        ("GET", "/no/such/page", 404),
        ("GET", "/api/notes/999", 404),
        ("DELETE", "/", 405),
        ("POST", "/api/notes", 415),
    ],
)
def test_every_response_has_the_security_headers(app, client, method, path, status) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    assert_security_headers(response, app)
    response.close()


def test_html_pages_may_not_be_framed(app, client) -> None:
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_production_500_page_has_the_headers_too(make_app) -> None:
    app = make_app("production")

    @app.get("/crash")
    def crash() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/crash")
    assert response.status_code == 500
    assert_security_headers(response, app)


def test_a_view_can_set_its_own_policy(app: Flask) -> None:
    @app.get("/embeddable")
    def embeddable() -> tuple[str, dict[str, str]]:
        return "ok", {"Content-Security-Policy": "frame-ancestors *"}

    response = app.test_client().get("/embeddable")
    assert response.headers["Content-Security-Policy"] == "frame-ancestors *"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_over_https(app: Flask, make_app, monkeypatch) -> None:
    """Production's test client uses https (PREFERRED_URL_SCHEME): this one is testing's."""
    forwarded = {"X-Forwarded-Proto": "https"}
    assert HSTS[0] not in app.test_client().get("/health").headers
    assert HSTS[0] not in app.test_client().get("/health", headers=forwarded).headers
    secure = app.test_client().get("/health", base_url="https://localhost")
    assert secure.headers[HSTS[0]] == HSTS[1]
    monkeypatch.setenv(settings.env_var("TRUSTED_PROXIES"), "127.0.0.1")
    proxied = make_app().test_client().get("/health", headers=forwarded)
    assert proxied.headers[HSTS[0]] == HSTS[1]


def test_policy_comes_from_the_config(make_app, monkeypatch) -> None:
    monkeypatch.setenv(settings.env_var("CONTENT_SECURITY_POLICY"), "default-src 'none'")
    response = make_app().test_client().get("/")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_invalid_utf8_path_is_a_400(client) -> None:
    response = client.get("/", environ_overrides={"PATH_INFO": INVALID_PATH})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "not valid UTF-8" in response.get_data(as_text=True)


def test_invalid_utf8_path_under_the_api_is_a_json_400(client) -> None:
    response = client.get("/", environ_overrides={"PATH_INFO": "/api/\xff"})
    assert response.status_code == 400
    assert response.get_json()["message"] == "the URL path is not valid UTF-8"


@pytest.mark.parametrize("query", ["tag=%FF%FE", "tag=ok&x=%C3", "%FF=1", "tag=\xff"])
def test_invalid_utf8_query_is_a_json_400(client, query: str) -> None:
    response = client.get("/api/notes", environ_overrides={"QUERY_STRING": query})
    assert response.status_code == 400
    assert response.get_json()["message"] == "the query string is not valid UTF-8"


@pytest.mark.parametrize("query", ["tag=%E6%97%A5", "tag=a+b", "tag=caf\xc3\xa9", ""])
def test_valid_utf8_query_is_accepted(client, query: str) -> None:
    response = client.get("/api/notes", environ_overrides={"QUERY_STRING": query})
    assert response.status_code == 200
