"""Helpers shared by the tests: testing options, an AsyncHTTPTestCase base, bounded waits."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPResponse
from tornado.options import OptionParser
from tornado.testing import AsyncHTTPTestCase

from {{ cookiecutter.package_name }}.app import Application, make_app
from {{ cookiecutter.package_name }}.options import load_options
from {{ cookiecutter.package_name }}.server import server_options
from {{ cookiecutter.package_name }}.settings import env_var

TEST_SECRET = "test-secret-not-for-production"


def app_options(environment: str = "testing", **values: Any) -> OptionParser:
    """Options layered for ``environment`` (config file included) on the test's database
    (conftest.py), then ``values`` set on top."""
    environ = {
        env_var("SECRET_KEY"): TEST_SECRET,
        env_var("DATABASE_URL"): os.environ[env_var("DATABASE_URL")],
    }
    _, options = load_options(environment, environ=environ)
    for name, value in values.items():
        setattr(options, name, value)
    return options


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition still false after {timeout} s")
        await asyncio.sleep(0.01)


@pytest.mark.usefixtures("database_url")
class AppTestCase(AsyncHTTPTestCase):
    """The app with the testing config (plus ``option_values``) on a free port of 127.0.0.1,
    on a migrated database of the test's own."""

    option_values: ClassVar[dict[str, Any]] = {}

    def get_http_client(self) -> AsyncHTTPClient:
        # The test's own client: the app's shared AsyncHTTPClient is configured by make_app.
        return AsyncHTTPClient(force_instance=True)

    def get_app(self) -> Application:
        self.options = app_options(**self.option_values)
        self.app = make_app(self.options)
        return self.app

    def setUp(self) -> None:
        super().setUp()
        self.io_loop.run_sync(self.app.feed.start)

    def tearDown(self) -> None:
        self.io_loop.run_sync(self.app.feed.stop)
        super().tearDown()

    def get_httpserver_options(self) -> dict[str, Any]:
        # The production server's settings (the body limit), for the app get_app() built.
        return server_options(self.app)

    def get_json(self, path: str, **kwargs: Any) -> tuple[HTTPResponse, Any]:
        response = self.fetch(path, raise_error=False, **kwargs)
        return response, json.loads(response.body)

    def post_json(self, path: str, body: Any, **kwargs: Any) -> tuple[HTTPResponse, Any]:
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.get_json(path, method="POST", body=data, headers=headers, **kwargs)
