"""The signed session cookie: tampering is rejected, rotated keys still read old sessions."""

from __future__ import annotations

import re

import pytest
from flask import request
from flask.testing import FlaskClient

from {{ cookiecutter.package_name }} import create_app

OLD_KEY = "old-secret-key"
NEW_KEY = "new-secret-key"


def visits(client: FlaskClient) -> int:
    response = client.get("/visits")
    assert response.status_code == 200
    match = re.search(r'<strong id="visits">(\d+)</strong>', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return int(match.group(1))


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def make_client(
    secret: str, cookie: str | None = None, fallbacks: list[str] | None = None
) -> FlaskClient:
    """A client of a new app with this secret, holding this session cookie."""
    app = create_app(
        {"ENV": "testing", "SECRET_KEY": secret, "SECRET_KEY_FALLBACKS": fallbacks or []}
    )
    client = app.test_client()
    if cookie is not None:
        client.set_cookie("session", cookie)
    return client


def test_visit_counter_lives_in_the_session(client) -> None:
    assert [visits(client) for _ in range(3)] == [1, 2, 3]


def test_session_is_signed_not_plain(client) -> None:
    visits(client)
    payload, _, signature = session_cookie(client).rpartition(".")
    assert payload and signature


def test_tampered_cookie_is_rejected(client) -> None:
    visits(client)
    visits(client)
    cookie = session_cookie(client)
    # Change one character of the signed payload: the signature no longer matches.
    position = 1
    forged = cookie[:position] + ("A" if cookie[position] != "A" else "B") + cookie[position + 1 :]
    client.set_cookie("session", forged)
    assert visits(client) == 1


def test_cookie_signed_with_another_key_is_rejected() -> None:
    old = make_client(OLD_KEY)
    visits(old)
    assert visits(make_client(NEW_KEY, session_cookie(old))) == 1


def test_rotated_key_still_reads_old_sessions() -> None:
    old = make_client(OLD_KEY)
    visits(old)
    visits(old)
    rotated = make_client(NEW_KEY, session_cookie(old), fallbacks=[OLD_KEY])
    assert visits(rotated) == 3
    # The answer is signed with the new key: once the old key is dropped, it still works.
    assert visits(make_client(NEW_KEY, session_cookie(rotated))) == 4


@pytest.mark.parametrize("environment", ["production", "testing"])
def test_cookie_flags(make_app, environment: str) -> None:
    response = make_app(environment).test_client().get("/visits")
    flags = {part.strip().lower() for part in response.headers["Set-Cookie"].split(";")}
    assert {"httponly", "samesite=lax"} <= flags
    assert ("secure" in flags) is (environment == "production")


def test_no_cookie_skips_the_signing_serializer(client, monkeypatch) -> None:
    """A request without a session cookie (health checks, the API) does not build a signer."""
    built: list[object] = []
    interface = client.application.session_interface
    original = interface.get_signing_serializer

    def spy(app):
        built.append(app)
        return original(app)

    monkeypatch.setattr(interface, "get_signing_serializer", spy)
    assert client.get("/health").status_code == 200
    assert built == []
    assert visits(client) == 1  # saving the new session signs it
    assert len(built) == 1
    assert visits(client) == 2  # the cookie is now opened with the serializer
    assert len(built) == 3


def test_without_a_secret_there_is_no_session(app) -> None:
    """As in Flask: no secret, no session (Flask's null session then refuses writes)."""
    app.secret_key = None
    with app.test_request_context("/"):
        assert app.session_interface.open_session(app, request) is None
