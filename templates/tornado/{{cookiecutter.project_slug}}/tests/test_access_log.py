"""The access log: every request by default, only failed ones (4xx, 5xx) in production."""

from __future__ import annotations

import json
import socket

from tornado.options import OptionParser
from tornado.testing import gen_test

from {{ cookiecutter.package_name }}.options import load_options
from {{ cookiecutter.package_name }}.settings import env_var

from .support import TEST_SECRET, AppTestCase, wait_until


def options(environment: str, **environ: str) -> OptionParser:
    return load_options(environment, environ={env_var(k): v for k, v in environ.items()})[1]


def test_production_logs_failed_requests_only_by_default() -> None:
    assert options("production", SECRET_KEY=TEST_SECRET).access_log is False
    assert options("development").access_log is True
    assert options("testing").access_log is True


def test_access_log_variable_switches_it() -> None:
    assert options("production", SECRET_KEY=TEST_SECRET, ACCESS_LOG="on").access_log is True
    assert options("testing", ACCESS_LOG="false").access_log is False


class AccessLogOffTest(AppTestCase):
    option_values = {"access_log": False}

    def test_success_is_not_logged(self) -> None:
        with self.assertNoLogs("tornado.access", level="DEBUG"):
            assert self.fetch("/health").code == 200

    def test_failure_is_logged_as_a_warning(self) -> None:
        with self.assertLogs("tornado.access", level="DEBUG") as logs:
            assert self.fetch("/no/such/page").code == 404
        assert [record.levelname for record in logs.records] == ["WARNING"]
        assert "404 GET /no/such/page" in logs.output[0]


class AccessLogOnTest(AppTestCase):
    option_values = {"access_log": True}

    def test_success_is_logged(self) -> None:
        with self.assertLogs("tornado.access", level="DEBUG") as logs:
            assert self.fetch("/health").code == 200
        assert [record.levelname for record in logs.records] == ["INFO"]
        assert "200 GET /health" in logs.output[0]


class ClientGoneTest(AppTestCase):
    option_values = {"access_log": False}

    @gen_test
    async def test_a_client_leaving_a_long_poll_is_not_a_warning(self) -> None:
        with self.assertNoLogs("tornado.access", level="WARNING"):
            client = socket.create_connection(("127.0.0.1", self.get_http_port()))
            client.sendall(b"GET /api/messages/updates HTTP/1.1\r\nHost: test\r\n\r\n")
            await wait_until(lambda: self.app.feed.waiting == 1)
            client.close()
            await wait_until(lambda: self.app.feed.waiting == 0)


class BehindAProxyTest(AppTestCase):
    option_values = {"access_log": True, "xheaders": True, "trusted_downstream": "10.0.0.2"}

    def test_the_client_address_comes_from_the_proxy_headers(self) -> None:
        forwarded = {"X-Forwarded-For": "203.0.113.7, 10.0.0.2"}
        with self.assertLogs("tornado.access", level="INFO") as logs:
            assert self.fetch("/health", headers=forwarded).code == 200
        assert "(203.0.113.7)" in logs.output[0]
        assert json.loads(self.fetch("/health").body) == {"status": "ok"}
