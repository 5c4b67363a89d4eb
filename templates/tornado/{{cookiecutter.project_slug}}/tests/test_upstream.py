"""The upstream fan-out against a real Tornado upstream on a free port, in the test's loop."""

from __future__ import annotations

import asyncio

from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port, gen_test
from tornado.web import Application, RequestHandler

from {{ cookiecutter.package_name }}.app import Application as App
from {{ cookiecutter.package_name }}.handlers.upstream import MAX_PATHS

from .support import AppTestCase


class StatusHandler(RequestHandler):
    def get(self) -> None:
        self.finish({"ok": True})


class TextHandler(RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/plain")
        self.finish("plain text")


class BadJsonHandler(RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish("{not json")


class BrokenHandler(RequestHandler):
    def get(self) -> None:
        self.send_error(500)


class SlowHandler(RequestHandler):
    async def get(self) -> None:
        await asyncio.sleep(5)  # far beyond the request timeout below


class PairHandler(RequestHandler):
    """Answers only once two requests are in flight: sequential calls would time out."""

    def initialize(self, arrived: asyncio.Event, count: list[int]) -> None:
        self.arrived = arrived
        self.count = count

    async def get(self) -> None:
        self.count[0] += 1
        if self.count[0] == 2:
            self.arrived.set()
        await self.arrived.wait()
        self.finish({"pair": True})


def upstream_app() -> Application:
    pair = {"arrived": asyncio.Event(), "count": [0]}
    return Application(
        [
            (r"/status", StatusHandler),
            (r"/text", TextHandler),
            (r"/bad-json", BadJsonHandler),
            (r"/broken", BrokenHandler),
            (r"/slow", SlowHandler),
            (r"/pair", PairHandler, pair),
        ]
    )


class UpstreamTestCase(AppTestCase):
    """The app with a real upstream server on a free port (no tests of its own)."""

    request_timeout = 0.5

    def get_app(self) -> App:
        sock, port = bind_unused_port()
        self.upstream = HTTPServer(upstream_app())
        self.upstream.add_sockets([sock])
        self.option_values = {
            "upstream_url": f"http://127.0.0.1:{port}/",
            "upstream_request_timeout": self.request_timeout,
        }
        return super().get_app()

    def tearDown(self) -> None:
        self.upstream.stop()
        super().tearDown()


class UpstreamTest(UpstreamTestCase):
    def test_success_gathers_every_path(self) -> None:
        response, body = self.get_json("/api/upstream?path=/status&path=/text")
        assert response.code == 200
        results = body["results"]
        assert [(r["path"], r["status"], r["body"]) for r in results] == [
            ("/status", 200, {"ok": True}),
            ("/text", 200, "plain text"),
        ]

    def test_requests_run_concurrently(self) -> None:
        response, body = self.get_json("/api/upstream?path=/pair&path=/pair")
        assert response.code == 200, body
        assert [r["body"] for r in body["results"]] == [{"pair": True}] * 2

    def test_upstream_error_is_502(self) -> None:
        response, body = self.get_json("/api/upstream?path=/status&path=/broken")
        assert response.code == 502
        assert body["error"] == "GET /broken: the upstream answered 500"

    def test_invalid_json_from_upstream_is_502(self) -> None:
        response, body = self.get_json("/api/upstream?path=/bad-json")
        assert response.code == 502
        assert "invalid JSON" in body["error"]

    def test_paths_are_checked(self) -> None:
        too_many = "&".join(["path=/status"] * (MAX_PATHS + 1))
        for query in ("", "path=status", "path=/a/../b", "path=//evil.example/x", too_many):
            response, _ = self.get_json(f"/api/upstream?{query}")
            assert response.code == 400, query

    @gen_test
    async def test_client_is_configured_once_with_max_clients(self) -> None:
        assert AsyncHTTPClient().max_clients == self.options.max_clients


class UpstreamTimeoutTest(UpstreamTestCase):
    request_timeout = 0.1  # /slow takes 5 s: the test waits this long, the others need more

    def test_timeout_is_504(self) -> None:
        response, body = self.get_json("/api/upstream?path=/slow")
        assert response.code == 504
        assert body["error"].startswith("GET /slow: Timeout")


class UnreachableUpstreamTest(AppTestCase):
    def get_app(self) -> App:
        sock, port = bind_unused_port()
        sock.close()  # nothing listens there any more: connections are refused
        self.option_values = {"upstream_url": f"http://127.0.0.1:{port}"}
        return super().get_app()

    def test_refused_connection_is_502(self) -> None:
        response, body = self.get_json("/api/upstream?path=/status")
        assert response.code == 502
        assert body["error"].startswith("GET /status:")


class NoUpstreamTest(AppTestCase):
    def test_unconfigured_upstream_is_503(self) -> None:
        response, body = self.get_json("/api/upstream?path=/status")
        assert response.code == 503
        assert "UPSTREAM_URL" in body["error"]
