"""One HTTP robustness suite, run against the live production server of every framework.

Bad input gets a proper 4xx, never a 5xx or a traceback, and the server still answers /health
afterwards. The shared security headers, HSTS and cookie flags are checked in production mode too. What each
framework exposes (its JSON or form endpoint, its static files...) comes from the "probes" entry of
its framework.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from live_server import Reply

from tests.harness import Server, build_request, probes, raw_request

LONG = 100_000
# The shared policy ({{cookiecutter.project_slug}}/src/.../security_headers.py), restated here on
# purpose: a change to it must be a change to this test too.
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), geolocation=(), microphone=()",
}
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
TRAVERSALS = [
    b"../../../../../../etc/passwd",
    b"%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"..%2f..%2f..%2f..%2fetc%2fpasswd",
    b"%2e%2e%5c%2e%2e%5c%2e%2e%5cetc%5cpasswd",
    b"....//....//....//etc/passwd",
]


def post(probe: dict[str, Any], body: bytes, content_type: str | None) -> bytes:
    headers = {"Content-Type": content_type} if content_type else {}
    return build_request("POST", probe["post_endpoint"], body, headers)


def invalid_utf8_body(probe: dict[str, Any]) -> bytes:
    return probe["valid_body"].encode("utf-8").replace(b"hello", b"h\xffllo\xfe")


# name -> (request builder, acceptable statuses)
CLIENT_ERROR = range(400, 500)
BAD_REQUESTS: dict[str, tuple[Callable[[dict[str, Any]], bytes], range | set[int]]] = {
    "malformed_body": (
        lambda p: post(p, p["malformed_body"].encode(), p["content_type"]),
        CLIENT_ERROR,
    ),
    "wrong_content_type": (
        lambda p: post(p, p["valid_body"].encode(), "text/plain; charset=utf-8"),
        CLIENT_ERROR,
    ),
    "missing_content_type": (lambda p: post(p, p["valid_body"].encode(), None), CLIENT_ERROR),
    "invalid_utf8_body": (lambda p: post(p, invalid_utf8_body(p), p["content_type"]), CLIENT_ERROR),
    "body_over_limit": (
        lambda p: post(p, b"x" * (p["max_body_bytes"] + 1024), p["content_type"]),
        {413},
    ),
    "invalid_utf8_path_raw": (lambda p: build_request("GET", b"/\xff\xfe/x"), CLIENT_ERROR),
    "invalid_utf8_path_encoded": (lambda p: build_request("GET", b"/%FF%FE/x"), CLIENT_ERROR),
    "invalid_utf8_query": (
        lambda p: build_request("GET", p["query_endpoint"].encode() + b"%FF%FE"),
        CLIENT_ERROR,
    ),
    "overlong_url": (lambda p: build_request("GET", b"/" + b"a" * LONG), CLIENT_ERROR),
    "overlong_header": (
        lambda p: build_request("GET", "/health", headers={"X-Padding": "a" * LONG}),
        CLIENT_ERROR,
    ),
    "unsupported_method": (lambda p: build_request("DELETE", "/"), CLIENT_ERROR),
    "unknown_method": (lambda p: build_request("BREW", "/"), CLIENT_ERROR),
}


def assert_no_traceback(response: Reply) -> None:
    text = response.text
    assert "Traceback" not in text and 'File "' not in text, text[:500]


@pytest.mark.parametrize("name", sorted(BAD_REQUESTS))
def test_bad_request_gets_a_proper_4xx(
    production_server: Server, framework: str, name: str
) -> None:
    build, acceptable = BAD_REQUESTS[name]
    response = raw_request(production_server.port, build(probes(framework)))
    assert response.status in acceptable, (response.status, response.text[:300])
    assert_no_traceback(response)
    assert production_server.get("/health").status == 200


def test_valid_post_is_accepted(production_server: Server, framework: str) -> None:
    """The probes above are refused for their flaw, not because the endpoint refuses everything."""
    probe = probes(framework)
    response = raw_request(
        production_server.port, post(probe, probe["valid_body"].encode(), probe["content_type"])
    )
    assert response.status < 400, (response.status, response.text[:300])


@pytest.mark.parametrize("route", ["static_file", "file_route"])
@pytest.mark.parametrize("attack", TRAVERSALS, ids=lambda attack: attack.decode()[:20])
def test_path_traversal_is_refused(
    production_server: Server, framework: str, route: str, attack: bytes
) -> None:
    probe = probes(framework)
    if route not in probe:
        pytest.skip(f"{framework} has no {route.replace('_', ' ')}")
    base = probe[route].encode()
    folder = base.rsplit(b"/", 1)[0] + b"/" if route == "static_file" else base
    response = raw_request(production_server.port, build_request("GET", folder + attack))
    assert response.status in CLIENT_ERROR, response.status
    assert b"root:" not in response.body
    assert_no_traceback(response)


def test_static_file_is_served(production_server: Server, framework: str) -> None:
    response = production_server.get(probes(framework)["static_file"])
    assert response.status == 200


def test_head_and_options(production_server: Server) -> None:
    for path in ("/health", "/"):
        response = raw_request(production_server.port, build_request("HEAD", path), head=True)
        assert response.status == 200, (path, response.status)
        assert response.body == b""
    response = raw_request(production_server.port, build_request("OPTIONS", "/"))
    assert response.status < 500, response.status
    assert_no_traceback(response)


def assert_security_headers(response: Reply, exceptions: dict[str, str] | None = None) -> None:
    expected = {**SECURITY_HEADERS, "content-security-policy": CONTENT_SECURITY_POLICY}
    for name, value in {**expected, **(exceptions or {})}.items():
        assert response.headers.get_all(name) == [value], (name, response.headers.get_all(name))
    assert "strict-transport-security" not in response.headers, "HSTS over plain HTTP"
    # A name is fine; a version tells an attacker which known bugs to try.
    assert not re.search(r"[0-9]", response.headers.get("server", "")), response.headers["server"]


def test_the_same_security_headers_everywhere(production_server: Server, framework: str) -> None:
    """The same values from every starter, on an HTML page, a JSON answer and an error page.

    The one exception is listed in the framework's probes and explained in docs/hardening.md.
    """
    html_exceptions = probes(framework).get("html_security_header_exceptions", {})
    page = production_server.get("/")
    assert page.headers.get_content_type() == "text/html"
    assert_security_headers(page, html_exceptions)
    health = production_server.get("/health", accept="application/json")
    assert health.headers.get_content_type() == "application/json"
    assert_security_headers(health)
    missing = production_server.get("/no/such/page")
    assert missing.status == 404
    assert_security_headers(missing, html_exceptions)


def test_error_pages_are_styled_under_the_csp(production_server: Server) -> None:
    """A 404 page has no inline style the CSP would block, and its stylesheets are served.

    (The framework's own suite shows the same for its 500 page.)"""
    page = production_server.get("/no/such/page")
    assert page.status == 404 and page.headers.get_content_type() == "text/html"
    csp = page.headers["content-security-policy"]
    if "'unsafe-inline'" not in csp:
        assert not re.search(r"<style|\sstyle=", page.text, re.IGNORECASE), page.text[:500]
    sheets = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', page.text)
    assert sheets, page.text[:500]
    for sheet in sheets:
        path = sheet.split("://", 1)[-1].partition("/")[2] if "://" in sheet else sheet
        response = production_server.get("/" + path.lstrip("/"))
        assert response.status == 200 and response.headers.get_content_type() == "text/css"


def test_hsts_only_over_https_as_a_trusted_proxy_says(production_server: Server) -> None:
    """The harness lists 127.0.0.1 in TRUSTED_PROXIES: its X-Forwarded-Proto is believed."""
    for path in ("/", "/health"):
        assert "strict-transport-security" not in production_server.get(path).headers
        proxied = production_server.get(path, x_forwarded_proto="https")
        assert proxied.headers.get_all("strict-transport-security") == [HSTS], path


def test_cookies_are_secure_httponly_samesite(production_server: Server, framework: str) -> None:
    """Every cookie is Secure and SameSite, and HttpOnly unless the framework's own scripts must
    read it (a double-submit CSRF token, listed in the probes as script_readable_cookies)."""
    probe = probes(framework)
    script_readable = set(probe.get("script_readable_cookies", []))
    cookies: list[str] = []
    for path in ["/", *probe.get("cookie_paths", [])]:
        cookies += production_server.get(path).set_cookies
    if probe.get("cookie_paths"):
        assert cookies, f"expected a cookie from {probe['cookie_paths']}"
    for cookie in cookies:
        name = cookie.split("=", 1)[0].strip()
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        required = {"secure", "samesite"} | (set() if name in script_readable else {"httponly"})
        assert required <= attributes, cookie


def test_health_after_everything(production_server: Server) -> None:
    response = production_server.get("/health")
    assert response.status == 200
    assert json.loads(response.body)["status"] == "ok"
