"""The fixtures of the Flask testing docs: `app`, `client` and `runner`, plus `make_app` and
`csrf_token`."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from {{ cookiecutter.package_name }} import create_app, settings

TEST_SECRET = "test-secret-key"
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')

MakeApp = Callable[..., Flask]


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings from the developer's shell must not leak into the tests."""
    for name in list(os.environ):
        if name.startswith(settings.PREFIX):
            monkeypatch.delenv(name)


@pytest.fixture
def make_app() -> MakeApp:
    """Build an app for an environment, with a test secret unless told otherwise."""

    def make(environment: str = "testing", **config: Any) -> Flask:
        config.setdefault("SECRET_KEY", TEST_SECRET)
        return create_app({"ENV": environment, **config})

    return make


@pytest.fixture
def app(make_app: MakeApp) -> Iterator[Flask]:
    yield make_app("testing")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def read_csrf_token() -> Callable[[FlaskClient], str]:
    """Read the form's CSRF token from the page, as a browser does; this starts the session."""

    def read(client: FlaskClient) -> str:
        match = CSRF_INPUT.search(client.get("/").get_data(as_text=True))
        assert match, "no csrf_token field on the page"
        return match.group(1)

    return read


@pytest.fixture
def csrf_token(client: FlaskClient, read_csrf_token: Callable[[FlaskClient], str]) -> str:
    """A CSRF token valid for `client`'s session, for tests that post the form."""
    return read_csrf_token(client)
