"""The fixtures of the Flask testing docs: `app`, `client` and `runner`, plus `make_app`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from {{ cookiecutter.package_name }} import create_app, settings

TEST_SECRET = "test-secret-key"

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
