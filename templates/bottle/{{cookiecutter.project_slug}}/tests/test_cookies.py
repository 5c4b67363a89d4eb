"""/preferences: a theme kept in a signed cookie; tampered cookies are rejected."""

from __future__ import annotations

from collections.abc import Callable

import bottle
import pytest
from webtest import TestApp


def choose_theme(client: TestApp, theme: str, status: int = 303):
    form = client.get("/preferences").forms[0]
    form["theme"] = theme
    return form.submit(status=status)


def shown_theme(client: TestApp, **kwargs) -> str:
    return client.get("/preferences", **kwargs).html.find(id="theme").text


def test_the_default_theme_is_light(client: TestApp) -> None:
    assert shown_theme(client) == "light"


def test_a_chosen_theme_is_kept_in_a_signed_cookie(client: TestApp) -> None:
    response = choose_theme(client, "dark")
    cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith("theme="))
    assert cookie.startswith('theme="!')
    assert "dark" not in cookie  # pickled and base64-encoded, then signed
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=31536000" in cookie
    assert "Secure" not in cookie  # testing runs over plain HTTP
    page = response.follow()
    assert page.html.find(id="theme").text == "dark"
    assert page.html.body["class"] == ["theme-dark"]
    # Every page uses the theme.
    assert 'class="theme-dark"' in client.get("/").text


def test_an_unknown_theme_is_refused(client: TestApp) -> None:
    form = client.get("/preferences").forms[0]
    form["theme"].force_value("neon")
    response = form.submit(status=422)
    assert "Choose one of: light, dark." in response.text


def tampered(sign: Callable[..., str]) -> dict[str, str]:
    """A dark signature on a light payload, a foreign key, and a bare unsigned value."""
    dark_signature, _ = sign("theme", "dark").split("?")
    _, light_payload = sign("theme", "light").split("?")
    return {
        "swapped payload": f"{dark_signature}?{light_payload}",
        "foreign key": sign("theme", "dark", secret="not-our-secret"),
        "unsigned": "dark",
        "another cookie's value": sign("csrf", "dark"),
    }


@pytest.mark.parametrize(
    "kind", ["swapped payload", "foreign key", "unsigned", "another cookie's value"]
)
def test_a_tampered_cookie_is_rejected_and_cleared(
    client: TestApp, sign: Callable[..., str], kind: str
) -> None:
    client.set_cookie("theme", tampered(sign)[kind])
    response = client.get("/preferences")
    assert response.html.find(id="theme").text == "light"
    assert "failed its signature check" in response.text
    deletion = next(c for c in response.headers.getall("Set-Cookie") if c.startswith("theme="))
    assert "Max-Age=-1" in deletion or "expires=Thu, 01 Jan 1970" in deletion.lower()


def test_a_genuine_cookie_is_accepted(client: TestApp, sign: Callable[..., str]) -> None:
    client.set_cookie("theme", sign("theme", "dark"))
    response = client.get("/preferences")
    assert response.html.find(id="theme").text == "dark"
    assert "failed its signature check" not in response.text


def test_production_cookies_are_secure_httponly_and_samesite(
    make_app: Callable[..., bottle.Bottle],
) -> None:
    client = TestApp(make_app("production"))
    cookie = client.get("/contact").headers["Set-Cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes
    assert "SameSite=lax" in cookie
