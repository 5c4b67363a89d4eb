"""CSRF protection (Flask-WTF's CSRFProtect): the form needs its token, the JSON API does not."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient


def greet(client: FlaskClient, **fields: str):
    return client.post("/greet", data={"name": "Ada", **fields})


def greeted(client: FlaskClient) -> bool:
    """Whether a greeting was flashed, i.e. whether the form post was accepted."""
    return "Hello, Ada!" in client.get("/").get_data(as_text=True)


def test_form_carries_a_signed_token(client, csrf_token: str) -> None:
    # The page shows a signed, timestamped token; the raw one stays in the session.
    payload, _, signature = csrf_token.rpartition(".")
    assert payload and signature


def test_valid_token_is_accepted(client, csrf_token: str) -> None:
    response = greet(client, csrf_token=csrf_token)
    assert response.status_code == 303
    assert greeted(client)


def test_token_in_a_header_is_accepted(client, csrf_token: str) -> None:
    # What a script does: send the token as X-CSRFToken instead of a form field.
    response = client.post("/greet", data={"name": "Ada"}, headers={"X-CSRFToken": csrf_token})
    assert response.status_code == 303


def test_missing_token_is_an_html_400(client) -> None:
    client.get("/")  # a session exists, as for a real visitor
    response = greet(client)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>400 Bad Request</h1>" in page
    assert "The CSRF token is missing." in page
    assert not greeted(client)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("not-a-token", "The CSRF token is invalid."),
        (None, "The CSRF tokens do not match."),  # None: a valid token of another session
    ],
)
def test_wrong_token_is_a_400(
    app: Flask, client, read_csrf_token, token: str | None, reason: str
) -> None:
    read_csrf_token(client)
    if token is None:
        token = read_csrf_token(app.test_client())
    response = greet(client, csrf_token=token)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert not greeted(client)


def test_token_without_a_session_is_a_400(app: Flask, read_csrf_token) -> None:
    # A forged page can embed a token it obtained elsewhere, but not the victim's session.
    token = read_csrf_token(app.test_client())
    response = greet(app.test_client(), csrf_token=token)
    assert response.status_code == 400
    assert "The CSRF session token is missing." in response.get_data(as_text=True)


def test_production_refuses_a_missing_token_without_a_traceback(make_app) -> None:
    response = greet(make_app("production").test_client())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The CSRF token is missing." in page
    for leak in ("Traceback", "CSRFError", 'File "'):
        assert leak not in page


def test_json_api_needs_no_token(client) -> None:
    client.get("/")  # even with a session cookie, the API asks for no token
    created = client.post("/api/notes", json={"text": "no token"})
    assert created.status_code == 201
    assert client.delete(created.headers["Location"]).status_code == 204


def test_api_refuses_a_form_body_instead(client) -> None:
    # What a cross-site HTML form could send: not JSON, so 415 and nothing stored.
    response = client.post("/api/notes", data={"text": "forged"})
    assert response.status_code == 415
    assert client.get("/api/notes").get_json()["notes"] == []


def test_csrf_failure_under_the_api_prefix_is_json(app: Flask) -> None:
    # A route under /api outside the exempt blueprint is protected, and its error is JSON.
    @app.post("/api/protected")
    def protected() -> str:
        return "ok"

    response = app.test_client().post("/api/protected")
    assert response.status_code == 400
    assert response.get_json() == {
        "status": 400,
        "error": "Bad Request",
        "message": "The CSRF token is missing.",
    }


def test_testing_config_keeps_csrf_on(app: Flask) -> None:
    assert app.config["WTF_CSRF_ENABLED"] is True
