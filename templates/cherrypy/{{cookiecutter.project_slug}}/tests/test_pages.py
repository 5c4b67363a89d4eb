"""The HTML tree of exposed objects, and the custom tools, over real HTTP (CPWebCase)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import escape

from {{ cookiecutter.package_name }} import PROJECT_NAME

from .support import SiteCase


class TestPages(SiteCase):
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

    def test_items_pages_show_the_store(self) -> None:
        self.getPage("/items/")
        self.assertInBody("No items yet")
        item = self.built.store.add({"title": "<Milk & honey>", "done": True})
        self.getPage("/items/")
        self.assertInBody("&lt;Milk &amp; honey&gt;")
        self.getPage(f"/items/{item['id']}")
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


class TestTools(SiteCase):
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


class TestProductionPages(SiteCase):
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

    def test_static_files_expire_a_day_later(self) -> None:
        self.getPage("/static/style.css")
        expires = parsedate_to_datetime(self.assertHeader("Expires"))
        ahead = expires - datetime.now(UTC)
        assert timedelta(hours=23) < ahead <= timedelta(days=1)
