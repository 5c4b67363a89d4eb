"""Fixtures: a fresh app per test, in the testing environment, driven by WebTest's TestApp.

Each test gets its own copy of one database migrated at the start of the session, so no test sees
another's rows, and every query runs against the schema the migrations build.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import bottle
import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }} import database, settings
from {{ cookiecutter.package_name }}.app import create_app

SECRET = "test-secret-key-of-24-characters"
# Small, so the 413 tests stay fast.
MAX_UPLOAD_BYTES = 4096
MakeApp = Callable[..., bottle.Bottle]


def pytest_report_header() -> str | None:
    if os.environ.get(settings.env_var("TEST_DATABASE_URL")):
        return f"{settings.env_var('TEST_DATABASE_URL')} ignored: {settings.DATABASE_NOTE}"
    return None


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting from the developer's shell leaks into a test, nor a test into var/."""
    for name in list(os.environ):
        if name.startswith((settings.PREFIX, "BOTTLE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), f"sqlite:///{tmp_path}/unmigrated.sqlite3")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database.migrate(path)
    return path


@pytest.fixture
def database_path(tmp_path: Path, migrated_template: Path) -> Path:
    """A migrated database of the test's own (a copy is faster than migrating)."""
    path = tmp_path / "app.sqlite3"
    shutil.copyfile(migrated_template, path)
    return path


@pytest.fixture
def db(database_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the test's database, to check what the app stored."""
    with closing(database.connect(database_path)) as connection:
        yield connection


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def make_app(database_path: Path, upload_dir: Path) -> MakeApp:
    """``make_app(environment="testing", **settings)``: settings by name, without the prefix."""

    def make(environment: str = "testing", **overrides: Any) -> bottle.Bottle:
        defaults = {
            "SECRET_KEY": SECRET,
            "DATABASE_URL": f"sqlite:///{database_path}",
            "UPLOAD_DIR": upload_dir,
            "MAX_UPLOAD_BYTES": MAX_UPLOAD_BYTES,
        }
        return create_app(environment, defaults | overrides)

    return make


@pytest.fixture
def app(make_app: MakeApp) -> bottle.Bottle:
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


def multipart_body(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body as browsers send it: the fields, then the file."""
    boundary = "----test-boundary-7d9f"
    # Lone surrogates (from "\udce9") become the single bytes they stand for, as in os.fsencode.
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    head = "".join(parts).encode("utf-8", "surrogateescape")
    body = head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def multipart() -> Callable[..., tuple[bytes, str]]:
    return multipart_body
