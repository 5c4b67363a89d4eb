"""Fixtures: a fresh app per test, in the testing environment, driven by WebTest's TestApp."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bottle
import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.app import create_app

SECRET = "test-secret-key"
# Small, so the 413 tests stay fast.
MAX_UPLOAD_BYTES = 4096


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No setting from the developer's shell leaks into a test; Bottle's debug flag is restored."""
    for name in list(os.environ):
        if name.startswith(settings.PREFIX) or name.startswith("BOTTLE_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(bottle, "DEBUG", False)


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def make_app(upload_dir: Path) -> Callable[..., bottle.Bottle]:
    """``make_app(environment="testing", **settings)``: settings by name, without the prefix."""

    def make(environment: str = "testing", **overrides: Any) -> bottle.Bottle:
        defaults = {
            "SECRET_KEY": SECRET,
            "UPLOAD_DIR": upload_dir,
            "MAX_UPLOAD_BYTES": MAX_UPLOAD_BYTES,
        }
        return create_app(environment, defaults | overrides)

    return make


@pytest.fixture
def app(make_app: Callable[..., bottle.Bottle]) -> bottle.Bottle:
    return make_app()


@pytest.fixture
def client(app: bottle.Bottle) -> TestApp:
    return TestApp(app)


def signed_cookie(name: str, value: str, secret: str = SECRET) -> str:
    """The cookie value Bottle sends for a signed cookie: ``!signature?payload``."""
    response = bottle.BaseResponse()
    response.set_cookie(name, value, secret=secret)
    return response._cookies[name].value


@pytest.fixture
def sign() -> Callable[..., str]:
    return signed_cookie
