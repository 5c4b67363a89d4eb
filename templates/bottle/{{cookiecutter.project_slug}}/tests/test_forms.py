"""/contact: a form validated on the server, redisplayed with its errors, protected by CSRF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from webtest import TestApp

VALID = {"name": "Ada", "email": "ada@example.com", "message": "Hello!"}


def contact_form(client: TestApp, **fields: str):
    form = client.get("/contact").forms[0]
    for name, value in fields.items():
        form[name] = value
    return form


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


def test_a_valid_form_redirects_to_the_thanks_page(client: TestApp) -> None:
    response = contact_form(client, **VALID).submit(status=303)
    assert response.location.endswith("/contact/sent")
    assert "your message was received" in response.follow().text


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
    client: TestApp, fields: dict[str, str], field: str, error: str
) -> None:
    response = contact_form(client, **fields).submit(status=422)
    assert error in response.html.find(id=f"{field}-error").text
    for other in {"name", "email", "message"} - {field}:
        assert response.html.find(id=f"{other}-error") is None
    # The user's input comes back, so they only fix what is wrong.
    assert response.forms[0]["message"].value == fields["message"]


def test_redisplayed_values_are_escaped(client: TestApp) -> None:
    hostile = '"><script>alert(1)</script>'
    response = contact_form(client, name=hostile, email="", message="x").submit(status=422)
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
    assert response.forms[0]["name"].value == hostile


def test_non_ascii_input_round_trips(client: TestApp) -> None:
    response = contact_form(client, name="Zoë Ünïcode", email="bad", message="héllo").submit(
        status=422
    )
    assert response.forms[0]["name"].value == "Zoë Ünïcode"


def test_a_corrected_form_can_be_resubmitted(client: TestApp) -> None:
    response = contact_form(client, **{**VALID, "email": "nope"}).submit(status=422)
    form = response.forms[0]
    form["email"] = "ada@example.com"
    assert form.submit(status=303).location.endswith("/contact/sent")


def test_a_post_without_a_token_is_forbidden(client: TestApp) -> None:
    client.get("/contact")  # has the cookie, but does not send the token
    response = client.post("/contact", VALID, status=403)
    assert "expired or came from another site" in response.text


def test_a_post_with_a_wrong_token_is_forbidden(client: TestApp) -> None:
    client.get("/contact")
    client.post("/contact", {**VALID, "csrf_token": "guessed"}, status=403)


def test_a_token_without_its_cookie_is_forbidden(client: TestApp) -> None:
    token = client.get("/contact").forms[0]["csrf_token"].value
    client.reset()  # another browser: no cookie
    client.post("/contact", {**VALID, "csrf_token": token}, status=403)


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


def test_a_body_over_the_limit_is_refused(client: TestApp) -> None:
    client.post("/contact", {**VALID, "message": "x" * 10_000}, status=413)
