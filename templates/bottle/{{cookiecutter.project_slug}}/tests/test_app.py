"""The contract routes, error pages, links under a mount point, and every response's headers."""

from __future__ import annotations

import html
from collections.abc import Callable

import bottle
import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }} import PROJECT_NAME, settings
from {{ cookiecutter.package_name }}.security_headers import (
    DEFAULT_CONTENT_SECURITY_POLICY,
    HSTS,
    load_policy,
)

MakeApp = Callable[..., bottle.Bottle]


def test_health_is_json_ok(client: TestApp) -> None:
    response = client.get("/health")
    assert response.content_type == "application/json"
    assert response.json == {"status": "ok"}


def test_index_names_the_project_escaped(client: TestApp) -> None:
    response = client.get("/")
    assert response.content_type == "text/html"
    assert response.charset.lower() == "utf-8"
    assert f"<title>Home · {html.escape(PROJECT_NAME)}</title>" in response.text


def test_unknown_path_is_an_html_404_without_traceback(client: TestApp) -> None:
    response = client.get("/no/such/page", status=404)
    assert response.content_type == "text/html"
    assert "Not found: &#039;/no/such/page&#039;" in response.text
    assert "Traceback" not in response.text


def test_unknown_path_is_a_json_404_for_json_clients(client: TestApp) -> None:
    response = client.get("/no/such/page", headers={"Accept": "application/json"}, status=404)
    assert response.content_type == "application/json"
    assert response.json == {"status": 404, "error": "Not found: '/no/such/page'"}
    assert response.headers["Vary"] == "Accept"


def test_wrong_method_is_405(client: TestApp) -> None:
    assert client.delete("/health", status=405).status_int == 405


def test_head_has_headers_and_no_body(client: TestApp) -> None:
    response = client.head("/")
    assert response.body == b""
    assert response.headers["X-Frame-Options"] == "DENY"


def crash() -> str:
    raise RuntimeError("database password is hunter2")


def test_unhandled_exception_is_a_500_without_details(app: bottle.Bottle) -> None:
    app.get("/crash", callback=crash)
    response = TestApp(app).get("/crash", status=500, expect_errors=True)
    assert "Internal Server Error" in response.text
    assert "hunter2" not in response.text and "Traceback" not in response.text
    assert response.headers["Content-Security-Policy"] == DEFAULT_CONTENT_SECURITY_POLICY
    # Bottle's own error page styles itself inline, which the CSP blocks: ours links the sheet.
    assert 'rel="stylesheet" href="/static/style.css"' in response.text
    assert "style=" not in response.text and "<style" not in response.text


def test_development_shows_the_traceback_without_global_debug(make_app: MakeApp) -> None:
    app = make_app("development")
    app.get("/crash", callback=crash)
    response = TestApp(app).get("/crash", status=500, expect_errors=True)
    assert "Traceback" in response.text and "hunter2" in response.text
    assert bottle.DEBUG is False  # other apps in the process keep their error pages


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/health", 200),
        ("GET", "/static/style.css", 200),
        ("GET", "/no/such/page", 404),
        ("POST", "/contact", 403),
        ("POST", "/api/contact", 415),
        ("GET", "/%FF", 400),
    ],
)
def test_security_headers_on_every_response(
    client: TestApp, method: str, path: str, status: int
) -> None:
    response = client.request(path, method=method, status=status)
    for name, value in load_policy().plain:
        assert response.headers[name] == value, name
    assert response.headers["Vary"] == "Accept"
    assert HSTS[0] not in response.headers


def test_hsts_only_when_the_request_came_over_https(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: production sent it over plain HTTP, as HTTPS is on there."""
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https"}
    assert HSTS[0] not in TestApp(make_app("production")).get("/").headers
    assert HSTS[0] not in TestApp(make_app(), extra_environ=forwarded).get("/").headers
    secure = TestApp(make_app(), extra_environ={"wsgi.url_scheme": "https"}).get("/")
    assert secure.headers[HSTS[0]] == HSTS[1]
    monkeypatch.setenv(settings.env_var("TRUSTED_PROXIES"), "127.0.0.1")
    proxied = TestApp(make_app(), extra_environ={**forwarded, "REMOTE_ADDR": "127.0.0.1"})
    assert proxied.get("/").headers[HSTS[0]] == HSTS[1]


def test_headers_a_view_sets_are_kept(app: bottle.Bottle) -> None:
    """Regression: the hook replaced them."""

    @app.get("/embeddable")
    def embeddable() -> str:
        bottle.response.set_header("Content-Security-Policy", "frame-ancestors *")
        bottle.response.set_header("Vary", "Cookie")
        return "ok"

    response = TestApp(app).get("/embeddable")
    assert response.headers["Content-Security-Policy"] == "frame-ancestors *"
    assert response.headers["Vary"] == "Cookie"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_static_files_are_served_with_their_type(client: TestApp) -> None:
    response = client.get("/static/style.css")
    assert response.content_type == "text/css"
    assert "theme-dark" in response.text


def test_the_favicon_is_served_where_browsers_look(client: TestApp) -> None:
    assert client.get("/favicon.ico").content_type == "image/svg+xml"
    page = client.get("/")
    assert page.html.find("link", rel="icon")["href"] == "/static/favicon.svg"
    assert client.get("/static/favicon.svg").body.startswith(b"<svg")


def test_static_files_cannot_escape_their_folder(client: TestApp) -> None:
    response = client.get("/static/../app.py", status=403)
    assert "import bottle" not in response.text


def test_templates_escape_what_they_show(client: TestApp) -> None:
    response = client.get("/<script>", status=404)
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize(
    "url", ["/%FF%FE/x", "/static/style%FF.css", "/health?x=%E9", "/uploads?q=caf%C3"]
)
def test_a_url_that_is_not_utf8_is_a_400(client: TestApp, url: str) -> None:
    """Bottle alone would drop the bad bytes ('/static/style%FF.css' would serve style.css)."""
    response = client.get(url, status=400)
    assert "The URL is not valid UTF-8." in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_utf8_urls_are_fine(client: TestApp) -> None:
    client.get("/health?caf%C3%A9=%E2%9C%93+ok", status=200)
    client.get("/caf%C3%A9", status=404)


def test_links_and_redirects_keep_the_mount_point(app: bottle.Bottle) -> None:
    """Mounted under a prefix (SCRIPT_NAME), every link and redirect stays under it."""
    client = TestApp(app, extra_environ={"SCRIPT_NAME": "/site"})
    page = client.get("/contact")
    links = [a["href"] for a in page.html.find_all("a")] + [page.forms[0].action]
    assert links and all(link.startswith("/site/") for link in links), links
    assert page.html.find("link", rel="stylesheet")["href"] == "/site/static/style.css"
    form = page.forms[0]
    form.action = "/contact"  # WebTest adds SCRIPT_NAME itself
    form["name"], form["email"], form["message"] = "Ada", "ada@example.com", "Hi"
    assert form.submit(status=303).headers["Location"] == "/site/contact/sent"


def test_redirects_ignore_forwarded_hosts(client: TestApp) -> None:
    form = client.get("/preferences").forms[0]
    form["theme"] = "dark"
    response = form.submit(headers={"X-Forwarded-Host": "evil.example"}, status=303)
    assert response.headers["Location"] == "/preferences"


@pytest.mark.parametrize(("environment", "cached"), [("development", False), ("testing", True)])
def test_templates_are_read_again_on_each_request_in_development(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, environment: str, cached: bool
) -> None:
    monkeypatch.setitem(bottle.TEMPLATES, "sentinel", object())
    TestApp(make_app(environment)).get("/")
    assert ("sentinel" in bottle.TEMPLATES) is cached
