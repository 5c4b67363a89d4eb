"""/contact: a form validated on the server, redisplayed with its errors, protected by CSRF,
stored in the database and never written to the log."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import bottle
import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.__main__ import main

VALID = {"name": "Ada", "email": "ada@example.com", "message": "Hello!"}
FORM_TYPE = "application/x-www-form-urlencoded"


def contact_form(client: TestApp, **fields: str):
    form = client.get("/contact").forms[0]
    for name, value in fields.items():
        form[name] = value
    return form


def stored_messages(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in db.execute("SELECT name, email, message FROM contact_message")]


def test_the_form_carries_a_csrf_token_tied_to_a_signed_cookie(client: TestApp) -> None:
    response = client.get("/contact")
    token = response.forms[0]["csrf_token"].value
    cookie = response.headers["Set-Cookie"]
    assert len(token) >= 32
    assert cookie.startswith('csrf="!')  # Bottle's signed format: !signature?payload
    assert token not in cookie  # the payload is encoded, not the bare token
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_the_token_is_stable_for_a_browser(client: TestApp) -> None:
    first = client.get("/contact").forms[0]["csrf_token"].value
    second = client.get("/contact")
    assert second.forms[0]["csrf_token"].value == first
    assert "Set-Cookie" not in second.headers


def test_pages_without_a_form_set_no_cookie(client: TestApp) -> None:
    assert "Set-Cookie" not in client.get("/").headers


def test_a_valid_form_is_stored_and_not_logged(
    client: TestApp, db: sqlite3.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = contact_form(client, **{**VALID, "name": "  Ada Lovelace "}).submit(status=303)
    assert response.headers["Location"] == "/contact/sent"
    assert "your message was received" in response.follow().text
    assert stored_messages(db) == [("Ada Lovelace", "ada@example.com", "Hello!")]
    assert "stored contact message 1" in caplog.text
    assert "Lovelace" not in caplog.text and "ada@example.com" not in caplog.text


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({**VALID, "name": "  "}, "name", "This field is required."),
        ({**VALID, "email": ""}, "email", "This field is required."),
        ({**VALID, "email": "ada@localhost"}, "email", "Enter an email address"),
        ({**VALID, "email": "ada @example.com"}, "email", "Enter an email address"),
        ({**VALID, "message": ""}, "message", "This field is required."),
        ({**VALID, "name": "x" * 101}, "name", "At most 100 characters."),
    ],
)
def test_invalid_fields_are_redisplayed_with_their_errors(
    client: TestApp, db: sqlite3.Connection, fields: dict[str, str], field: str, error: str
) -> None:
    response = contact_form(client, **fields).submit(status=422)
    assert error in response.html.find(id=f"{field}-error").text
    # Screen readers announce the error with the field it belongs to.
    described = response.html.find(id=field)
    assert described["aria-describedby"] == f"{field}-error"
    assert described["aria-invalid"] == "true"
    for other in {"name", "email", "message"} - {field}:
        assert response.html.find(id=f"{other}-error") is None
        assert not response.html.find(id=other).has_attr("aria-describedby")
    # The user's input comes back, so they only fix what is wrong.
    assert response.forms[0]["message"].value == fields["message"]
    assert stored_messages(db) == []


def test_redisplayed_values_are_escaped(client: TestApp) -> None:
    hostile = '"><script>alert(1)</script>'
    response = contact_form(client, name=hostile, email="", message="x").submit(status=422)
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
    assert response.forms[0]["name"].value == hostile


def test_non_ascii_input_round_trips(client: TestApp, db: sqlite3.Connection) -> None:
    response = contact_form(client, name="Zoë Ünïcode", email="bad", message="héllo").submit(
        status=422
    )
    assert response.forms[0]["name"].value == "Zoë Ünïcode"
    form = response.forms[0]
    form["email"] = "zoe@example.com"
    form.submit(status=303)
    assert stored_messages(db) == [("Zoë Ünïcode", "zoe@example.com", "héllo")]


def test_a_post_without_a_token_is_forbidden(client: TestApp, db: sqlite3.Connection) -> None:
    client.get("/contact")  # has the cookie, but does not send the token
    response = client.post("/contact", VALID, status=403)
    assert "expired or came from another site" in response.text
    assert stored_messages(db) == []


def test_a_post_with_a_wrong_token_is_forbidden(client: TestApp) -> None:
    client.get("/contact")
    client.post("/contact", {**VALID, "csrf_token": "guessed"}, status=403)


def test_a_token_without_its_cookie_is_forbidden(client: TestApp) -> None:
    token = client.get("/contact").forms[0]["csrf_token"].value
    client.reset()  # another browser: no cookie
    response = client.post("/contact", {**VALID, "csrf_token": token}, status=403)
    assert "no security cookie" in response.text


def test_over_plain_http_with_https_on_the_real_cause_is_given(
    make_app: Callable[..., bottle.Bottle], caplog: pytest.LogCaptureFixture
) -> None:
    """Production over http://host/: the browser keeps the Secure cookie to itself."""
    client = TestApp(make_app("production"), extra_environ={"HTTP_HOST": "intranet.example"})
    token = client.get("/contact").forms[0]["csrf_token"].value
    client.reset()  # what the browser does with a Secure cookie over plain HTTP
    response = client.post("/contact", {**VALID, "csrf_token": token}, status=403)
    assert "only accepts forms over HTTPS" in response.text
    assert "use https://" in response.text
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "Secure CSRF cookie" in record.getMessage()
    assert "intranet.example" in record.getMessage()


def test_behind_a_tls_proxy_the_usual_message_is_given(
    make_app: Callable[..., bottle.Bottle],
) -> None:
    client = TestApp(make_app("production"), extra_environ={"HTTP_X_FORWARDED_PROTO": "https"})
    response = client.post("/contact", VALID, status=403)
    assert "no security cookie" in response.text


def test_a_cookie_signed_with_another_key_is_forbidden(
    client: TestApp, sign: Callable[..., str]
) -> None:
    forged = sign("csrf", "attacker-token", secret="not-our-secret")
    client.set_cookie("csrf", forged)
    client.post("/contact", {**VALID, "csrf_token": "attacker-token"}, status=403)


def test_a_cookie_signed_with_our_key_is_accepted(
    client: TestApp, sign: Callable[..., str]
) -> None:
    client.set_cookie("csrf", sign("csrf", "known-token"))
    client.post("/contact", {**VALID, "csrf_token": "known-token"}, status=303)


def test_a_non_ascii_token_is_forbidden_not_an_error(client: TestApp) -> None:
    client.get("/contact")
    client.post("/contact", {**VALID, "csrf_token": "ünïcode"}, status=403)


def test_a_form_that_is_not_utf8_is_a_400(client: TestApp, db: sqlite3.Connection) -> None:
    token = client.get("/contact").forms[0]["csrf_token"].value
    body = f"csrf_token={token}&name=Zo%EB&email=zoe@example.com&message=hi".encode()
    response = client.post("/contact", body, content_type=FORM_TYPE, status=400)
    assert "The form is not valid UTF-8." in response.text
    assert stored_messages(db) == []


def test_a_body_over_the_limit_is_refused(client: TestApp) -> None:
    response = contact_form(client, **{**VALID, "message": "x" * 110_000}).submit(status=413)
    assert "larger than the limit of 102400 bytes" in response.text


def test_the_console_lists_what_the_form_stored(
    client: TestApp,
    database_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    contact_form(client, **VALID).submit(status=303)
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), f"sqlite:///{database_path}")
    main(["messages"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("#1 ") and lines[0].endswith("Ada <ada@example.com>")
    assert lines[1] == "    Hello!"
