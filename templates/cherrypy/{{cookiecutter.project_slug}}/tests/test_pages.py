"""The HTML tree of exposed objects, and the custom tools, over real HTTP (CPWebCase)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import escape
from typing import ClassVar
from unittest import mock
from urllib.parse import urlencode

import cherrypy

from {{ cookiecutter.package_name }} import PROJECT_NAME, pages
from {{ cookiecutter.package_name }}.security_headers import DEFAULT_CONTENT_SECURITY_POLICY

from . import support

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class TestPages(support.SiteCase):
    def test_home_page_names_the_project(self) -> None:
        self.getPage("/")
        self.assertStatus(200)
        self.assertHeader("Content-Type", "text/html;charset=utf-8")
        self.assertInBody(escape(PROJECT_NAME))

    def test_health_is_json(self) -> None:
        self.getPage("/health")
        self.assertStatus(200)
        self.assertHeader("Content-Type", "application/json")
        assert self.json() == {"status": "ok"}

    def test_tracking_parameters_do_not_break_pages(self) -> None:
        """Regression: /?utm_source=newsletter was a 404 (index took no query arguments)."""
        for path in ("/?utm_source=newsletter", "/items/?utm_medium=mail", "/health?probe=1"):
            self.getPage(path)
            self.assertStatus(200)

    def test_error_pages_are_the_sites_own_and_need_no_inline_style(self) -> None:
        """Regression: CherryPy's error pages use inline styles, which the CSP blocks."""
        self.getPage("/no/such/page")
        self.assertStatus(404)
        self.assertInBody('<link rel="stylesheet" href="/static/style.css">')
        self.assertNotInBody("<style")
        self.assertNotInBody("style=")
        self.assertInBody(escape(PROJECT_NAME))

    def test_the_development_footer_names_cherrypy(self) -> None:
        self.getPage("/")
        self.assertInBody("Served by CherryPy")

    def test_items_pages_show_the_database(self) -> None:
        self.getPage("/items/")
        self.assertInBody("No items yet")
        number = support.add_item(self.database_url, "<Milk & honey>", done=True)
        self.getPage("/items/")
        self.assertInBody("&lt;Milk &amp; honey&gt;")
        self.getPage(f"/items/{number}")
        self.assertStatus(200)
        self.assertInBody("<h1>&lt;Milk &amp; honey&gt;</h1>")
        self.assertInBody("done")

    def test_unknown_item_and_path_are_404(self) -> None:
        for path in ("/items/999", "/items/abc", "/no/such/page"):
            self.getPage(path)
            self.assertStatus(404)

    def test_static_files_come_from_the_package(self) -> None:
        self.getPage("/static/style.css")
        self.assertStatus(200)
        self.assertHeader("Content-Type", "text/css")


class TestItemForm(support.SiteCase):
    """The form: a CSRF token in the session, a flash message after the redirect."""

    def open_form(self) -> str:
        self.getPage("/items/")
        match = CSRF_INPUT.search(self.body.decode())
        assert match, "no csrf_token field"
        return match.group(1)

    def post_form(self, **fields: str) -> None:
        body = urlencode(fields)
        self.getPage(
            "/items/add",
            method="POST",
            body=body,
            headers=[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Content-Length", str(len(body))),
                *self.cookies,
            ],
        )

    def test_adding_an_item_redirects_and_flashes_once(self) -> None:
        token = self.open_form()
        self.post_form(title="Buy <bread>", csrf_token=token)
        self.assertStatus(303)
        assert self.assertHeader("Location").endswith("/items/")
        self.getPage("/items/", headers=self.cookies)
        self.assertInBody("Added “Buy &lt;bread&gt;”.")
        self.getPage("/items/", headers=self.cookies)
        self.assertNotInBody("Added")
        self.assertInBody("Buy &lt;bread&gt;")

    def test_a_missing_or_foreign_token_is_403_and_stores_nothing(self) -> None:
        self.open_form()
        self.post_form(title="forged")
        self.assertStatus(403)
        self.post_form(title="forged", csrf_token="guess")
        self.assertStatus(403)
        self.getPage("/api/items")
        self.assertBody('{"items": []}')

    def test_an_empty_title_is_422_with_the_form_again(self) -> None:
        token = self.open_form()
        self.post_form(title="   ", csrf_token=token)
        self.assertStatus(422)
        self.assertInBody("A title has 1 to 200 characters.")

    def test_the_form_only_takes_post(self) -> None:
        self.getPage("/items/add")
        self.assertStatus(405)
        self.assertHeader("Allow", "POST")

    def test_only_the_items_pages_set_a_cookie(self) -> None:
        self.getPage("/")
        self.assertNoHeader("Set-Cookie")
        self.getPage("/items/")
        cookie = self.assertHeader("Set-Cookie")
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


class TestTools(support.SiteCase):
    def test_request_id_is_made_when_missing(self) -> None:
        self.getPage("/health")
        first = self.assertHeader("X-Request-ID")
        # CherryPy's own request.unique_id, which the access log's {i} field shows too.
        assert str(uuid.UUID(first)) == first
        assert uuid.UUID(first).version == 4
        self.getPage("/health")
        assert self.assertHeader("X-Request-ID") != first

    def test_request_id_is_echoed_when_safe(self) -> None:
        self.getPage("/health", headers=[("X-Request-ID", "abc-123.x")])
        self.assertHeader("X-Request-ID", "abc-123.x")

    def test_unsafe_request_id_is_replaced(self) -> None:
        self.getPage("/health", headers=[("X-Request-ID", "a" * 500)])
        assert self.assertHeader("X-Request-ID") != "a" * 500

    def test_request_id_is_on_errors_too(self) -> None:
        self.getPage("/no/such/page")
        self.assertStatus(404)
        self.assertHeader("X-Request-ID")

    def test_timing_header(self) -> None:
        self.getPage("/")
        assert re.fullmatch(r"app;dur=\d+\.\d", self.assertHeader("Server-Timing"))


class TestProductionPages(support.SiteCase):
    """production.conf: no tracebacks, compressed pages, cacheable static files."""

    environment = "production"

    def test_request_id_but_no_server_timing(self) -> None:
        self.getPage("/health", headers=[("X-Request-ID", "abc-123.x")])
        self.assertStatus(200)
        self.assertHeader("X-Request-ID", "abc-123.x")
        self.assertNoHeader("Server-Timing")

    def test_404_has_no_traceback(self) -> None:
        self.getPage("/no/such/page")
        self.assertStatus(404)
        self.assertNotInBody("Traceback")

    def test_pages_are_gzipped_on_request(self) -> None:
        self.getPage("/", headers=[("Accept-Encoding", "gzip")])
        self.assertHeader("Content-Encoding", "gzip")

    def test_health_skips_gzip_but_keeps_the_other_tools(self) -> None:
        self.getPage("/health", headers=[("Accept-Encoding", "gzip")])
        self.assertStatus(200)
        self.assertNoHeader("Content-Encoding")
        self.assertNoHeader("Vary")
        self.assertHeader("X-Request-ID")
        self.assertHeader("X-Content-Type-Options", "nosniff")
        self.getPage("/health", method="POST")
        self.assertStatus(405)
        self.assertHeader("Allow", "GET, HEAD")

    def test_no_software_or_version_is_advertised(self) -> None:
        """Regression: production sent Server: CherryPy/18.10.0 and named it in the footer."""
        self.getPage("/")
        assert "CherryPy" not in self.assertHeader("Server")
        self.assertNotInBody("CherryPy")

    def test_session_cookies_are_secure(self) -> None:
        self.getPage("/items/")
        cookie = self.assertHeader("Set-Cookie")
        assert {"Secure", "HttpOnly", "SameSite=Lax"} <= {p.strip() for p in cookie.split(";")}

    def test_hsts_only_over_https(self) -> None:
        self.getPage("/")
        self.assertNoHeader("Strict-Transport-Security")

    def test_a_handler_keeps_the_headers_it_sets(self) -> None:
        @cherrypy.expose
        def embeddable(_root: pages.Root, **_tracking: str) -> str:
            cherrypy.response.headers["Content-Security-Policy"] = "frame-ancestors *"
            return "ok"

        with mock.patch.object(pages.Root, "index", embeddable):
            self.getPage("/")
        self.assertHeader("Content-Security-Policy", "frame-ancestors *")
        self.assertHeader("X-Frame-Options", "DENY")

    def test_a_crash_is_a_styled_500_under_the_csp(self) -> None:
        """CherryPy's own error page styles itself inline, which the CSP blocks: the site's
        error_page.default renders its own template, with the site's stylesheet."""

        @cherrypy.expose
        def crash(_root: pages.Root, **_tracking: str) -> str:
            raise RuntimeError("database password is hunter2")

        with mock.patch.object(pages.Root, "index", crash):
            self.getPage("/", headers=[("Accept", "text/html")])
        self.assertStatus(500)
        self.assertInBody('<link rel="stylesheet" href="/static/style.css">')
        assert b"style=" not in self.body and b"<style" not in self.body
        self.assertNotInBody("hunter2")
        self.assertHeader("Content-Security-Policy", DEFAULT_CONTENT_SECURITY_POLICY)


class TestBehindProxy(support.SiteCase):
    """tools.proxy: the public scheme and host from the proxy's headers, and HSTS for HTTPS from
    a trusted proxy."""

    environment = "production"
    settings: ClassVar[dict[str, str]] = {"BEHIND_PROXY": "true", "TRUSTED_PROXIES": "127.0.0.1"}

    def test_location_and_hsts_follow_the_forwarded_scheme(self) -> None:
        body = b'{"title": "x"}'
        self.getPage(
            "/api/items",
            method="POST",
            body=body,
            headers=[
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("X-Forwarded-Proto", "https"),
                ("X-Forwarded-Host", "example.org"),
            ],
        )
        self.assertStatus(201)
        assert self.assertHeader("Location").startswith("https://example.org/api/items/")
        assert self.assertHeader("Strict-Transport-Security").startswith("max-age=")

    def test_static_files_expire_a_day_later(self) -> None:
        self.getPage("/static/style.css")
        expires = parsedate_to_datetime(self.assertHeader("Expires"))
        ahead = expires - datetime.now(UTC)
        assert timedelta(hours=23) < ahead <= timedelta(days=1)
