"""Pages, JSON errors, and what production shows (or hides) when a handler fails."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from tornado.escape import xhtml_escape
from tornado.httpclient import HTTPResponse

from {{ cookiecutter.package_name }} import PROJECT_NAME
from {{ cookiecutter.package_name }}.app import Application, make_app
from {{ cookiecutter.package_name }}.handlers.base import JsonHandler

from .support import AppTestCase, app_options


class BrokenHandler(JsonHandler):
    def get(self) -> None:
        raise RuntimeError("secret internals")


class PagesTest(AppTestCase):
    def test_health(self) -> None:
        response, body = self.get_json("/health")
        assert response.code == 200
        assert response.headers["Content-Type"].startswith("application/json")
        assert body == {"status": "ok"}

    def test_index_names_the_project(self) -> None:
        response = self.fetch("/")
        assert response.code == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert xhtml_escape(PROJECT_NAME) in response.body.decode()

    def test_unknown_path_is_a_json_404(self) -> None:
        response, body = self.get_json("/no/such/page")
        assert response.code == 404
        assert body == {"error": "no such resource: /no/such/page", "status": 404}

    def test_unsupported_method_is_a_json_405(self) -> None:
        response, body = self.get_json("/health", method="DELETE")
        assert response.code == 405
        assert body["status"] == 405


class JsonBodyTest(AppTestCase):
    def test_malformed_json_is_400_not_500(self) -> None:
        response, body = self.post_json("/api/messages", '{"text": ')
        assert response.code == 400
        assert body["error"].startswith("the body is not valid JSON")

    def test_body_that_is_not_utf8_is_400(self) -> None:
        response, _ = self.post_json("/api/messages", b"\xff\xfe")
        assert response.code == 400

    def test_json_that_is_not_an_object_is_400(self) -> None:
        response, body = self.post_json("/api/messages", ["text"])
        assert response.code == 400
        assert body["error"] == "the body must be a JSON object"

    def test_query_argument_that_is_not_utf8_is_400(self) -> None:
        response, body = self.get_json("/api/messages?cursor=%FF%FE")
        assert response.code == 400
        assert body["status"] == 400

    def test_other_content_types_are_415(self) -> None:
        response, _ = self.post_json(
            "/api/messages", {"text": "hi"}, headers={"Content-Type": "text/plain"}
        )
        assert response.code == 415

    def test_cross_site_post_is_refused(self) -> None:
        response = self.fetch(
            "/api/messages",
            method="POST",
            body=json.dumps({"text": "hi"}),
            headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
            raise_error=False,
        )
        assert response.code == 403
        assert self.app.feed.last_id == 0


class BodyLimitTest(AppTestCase):
    """A body over max_body_size: 413 from the JSON endpoint, the server's 400 elsewhere."""

    option_values = {"max_body_size": 64}

    def test_body_within_the_limit_is_accepted(self) -> None:
        response, _ = self.post_json("/api/messages", {"text": "x" * 40})
        assert response.code == 201

    def test_body_over_the_limit_is_413_before_it_is_read(self) -> None:
        response, body = self.post_json("/api/messages", {"text": "x" * 100})
        assert response.code == 413
        assert body == {"error": "the body must be at most 64 bytes", "status": 413}
        assert self.app.feed.last_id == 0

    def test_chunked_body_is_streamed_and_cut_off_at_the_limit(self) -> None:
        def chunked(text: str) -> HTTPResponse:
            async def produce(write: Callable[[bytes], Awaitable[None]]) -> None:
                await write(json.dumps({"text": text}).encode())

            return self.fetch(
                "/api/messages",
                method="POST",
                body_producer=produce,
                headers={"Content-Type": "application/json"},
                raise_error=False,
            )

        assert chunked("small").code == 201
        assert chunked("x" * 100).code == 400
        assert len(self.get_json("/api/messages")[1]["messages"]) == 1

    def test_other_routes_get_the_server_limit(self) -> None:
        response = self.fetch("/health", method="POST", body="x" * 100, raise_error=False)
        assert response.code == 400


class ProductionErrorsTest(AppTestCase):
    """With the production config file, a failing handler answers 500 without internals."""

    def get_app(self) -> Application:
        self.app = make_app(app_options("production"))
        self.app.add_handlers(r".*", [(r"/broken", BrokenHandler)])
        return self.app

    def test_traceback_is_hidden(self) -> None:
        with self.assertLogs("tornado.application", level="ERROR"):
            response, body = self.get_json("/broken")
        assert response.code == 500
        assert body == {"error": "Internal Server Error", "status": 500}
        assert b"secret internals" not in response.body
        assert b"Traceback" not in response.body


class DevelopmentErrorsTest(AppTestCase):
    """The development config turns debug on, which serves tracebacks (autoreload off here)."""

    def get_app(self) -> Application:
        options = app_options("development")
        assert options.debug is True
        self.app = make_app(options, autoreload=False)
        self.app.add_handlers(r".*", [(r"/broken", BrokenHandler)])
        return self.app

    def test_traceback_is_served(self) -> None:
        with self.assertLogs("tornado.application", level="ERROR"):
            response, body = self.get_json("/broken")
        assert response.code == 500
        assert "RuntimeError: secret internals" in "".join(body["traceback"])
