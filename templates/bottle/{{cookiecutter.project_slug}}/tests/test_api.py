"""/api/contact: the contact form as a JSON API, and how it refuses bad bodies."""

from __future__ import annotations

import json
import sqlite3

import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }}.security import FORM_BODY_BYTES

VALID = {"name": "Ada", "email": "ada@example.com", "message": "Hello!"}


def post_json(client: TestApp, body: bytes, status: int, content_type: str = "application/json"):
    headers = {"Content-Type": content_type} if content_type else {}
    return client.post("/api/contact", body, headers=headers, status=status)


def test_a_valid_message_is_stored_without_csrf_token_or_cookie(
    client: TestApp, db: sqlite3.Connection
) -> None:
    response = client.post_json("/api/contact", VALID, status=201)
    assert response.json == {"status": "received", "id": 1}
    assert "Set-Cookie" not in response.headers
    row = db.execute("SELECT name, email, message FROM contact_message").fetchone()
    assert tuple(row) == ("Ada", "ada@example.com", "Hello!")


def test_a_charset_parameter_is_fine(client: TestApp) -> None:
    body = json.dumps(VALID).encode()
    post_json(client, body, 201, content_type="application/json; charset=utf-8")


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({**VALID, "email": "ada@localhost"}, {"email": "Enter an email address like"}),
        ({"name": " ", "message": "hi"}, {"name": "This field is required.", "email": "This"}),
        ({**VALID, "name": 42, "message": None}, {"name": "Must be", "message": "Must be"}),
    ],
)
def test_invalid_fields_are_a_422_naming_them(
    client: TestApp, db: sqlite3.Connection, fields: dict[str, object], errors: dict[str, str]
) -> None:
    response = client.post_json("/api/contact", fields, status=422)
    assert response.json["status"] == 422
    assert set(response.json["errors"]) == set(errors)
    for field, start in errors.items():
        assert response.json["errors"][field].startswith(start)
    assert db.execute("SELECT count(*) FROM contact_message").fetchone()[0] == 0


@pytest.mark.parametrize(
    "body", [b'{"name": ', b"h\xffllo\xfe", '{"name": "h\xe9"}'.encode("latin-1"), b"\xef\xbb"]
)
def test_a_body_that_is_not_utf8_json_is_a_json_400(client: TestApp, body: bytes) -> None:
    response = post_json(client, body, 400)
    assert response.content_type == "application/json"
    assert response.json == {"status": 400, "error": "Invalid JSON"}


@pytest.mark.parametrize("body", [b"[1, 2]", b'"hello"', b"null", b""])
def test_anything_but_an_object_is_a_400(client: TestApp, body: bytes) -> None:
    response = post_json(client, body, 400)
    assert "JSON object" in response.json["error"]


@pytest.mark.parametrize("content_type", ["", "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_not_declared_as_json_is_a_415(client: TestApp, content_type: str) -> None:
    response = post_json(client, json.dumps(VALID).encode(), 415, content_type=content_type)
    assert response.json == {"status": 415, "error": "Send the body as application/json."}


def test_api_errors_are_json_even_for_html_clients(client: TestApp) -> None:
    response = client.get("/api/contact", headers={"Accept": "text/html"}, status=405)
    assert response.content_type == "application/json"
    assert response.json["status"] == 405


def test_a_body_over_the_in_memory_limit_is_a_413_before_it_is_read(client: TestApp) -> None:
    """A JSON body is read into memory: the upload limit does not apply to it."""
    response = post_json(client, b" " * (FORM_BODY_BYTES + 1), 413)
    assert (
        response.json["error"]
        == f"The request body is larger than the limit of {FORM_BODY_BYTES} bytes."
    )


def test_a_body_without_content_length_is_a_411(client: TestApp) -> None:
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    client.post("/api/contact", b"", headers=headers, status=411)
