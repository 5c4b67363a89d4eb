"""The access log: every request by default, only failed ones (4xx, 5xx) in production."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.options import load_options
from {{ cookiecutter.package_name }}.settings import env_var

from .support import TEST_SECRET, AppTestCase

SECRET = {env_var("SECRET_KEY"): TEST_SECRET}


def test_production_logs_failed_requests_only_by_default() -> None:
    assert load_options("production", environ=SECRET).access_log is False
    assert load_options("development").access_log is True
    assert load_options("testing").access_log is True


def test_access_log_variable_switches_it() -> None:
    environ = {env_var("ACCESS_LOG"): "true", **SECRET}
    assert load_options("production", environ=environ).access_log is True
    assert load_options("testing", environ={env_var("ACCESS_LOG"): "false"}).access_log is False


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
