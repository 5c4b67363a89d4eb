"""/headers: the app reads request headers and negotiates HTML or JSON."""

from __future__ import annotations

import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }}.app import ranked


def test_html_by_default(client: TestApp) -> None:
    response = client.get("/headers", headers={"User-Agent": "pytest-agent/1.0"})
    assert response.content_type == "text/html"
    assert response.html.find(id="negotiated").text == "text/html"
    assert "pytest-agent/1.0" in response.text
    assert response.headers["Vary"] == "Accept"


def test_json_when_the_client_prefers_it(client: TestApp) -> None:
    response = client.get(
        "/headers",
        headers={
            "Accept": "application/json",
            "Accept-Language": "fr-CH, fr;q=0.9, de;q=0, en;q=0.8",
            "User-Agent": "pytest-agent/1.0",
        },
    )
    assert response.content_type == "application/json"
    assert response.json == {
        "negotiated": "application/json",
        "languages": ["fr-ch", "fr", "en"],
        "headers": {
            "Accept": "application/json",
            "Accept-Language": "fr-CH, fr;q=0.9, de;q=0, en;q=0.8",
            "User-Agent": "pytest-agent/1.0",
        },
    }


@pytest.mark.parametrize(
    ("accept", "negotiated"),
    [
        ("*/*", "text/html"),
        ("text/html,application/json;q=0.9", "text/html"),
        ("text/html;q=0.5, application/json", "application/json"),
        ("application/*", "application/json"),
        ("text/*;q=0.2, */*;q=0.1", "text/html"),
        ("application/json;q=bogus, text/html", "text/html"),
        ("APPLICATION/JSON", "application/json"),
        ("*/*;q=0.9, text/html;q=0", "application/json"),
        ("text/html;q=0.5, */*", "application/json"),
        ("application/json;q=0.1, text/*;q=0.1", "text/html"),
    ],
)
def test_negotiation_follows_the_accept_header(
    client: TestApp, accept: str, negotiated: str
) -> None:
    response = client.get("/headers", headers={"Accept": accept})
    assert response.content_type == negotiated


def test_nothing_acceptable_is_a_406(client: TestApp) -> None:
    response = client.get("/headers", headers={"Accept": "image/png"}, status=406)
    assert "text/html or application/json" in response.text


def test_cookies_and_credentials_are_not_echoed(client: TestApp) -> None:
    client.get("/contact")  # sets the CSRF cookie
    response = client.get(
        "/headers", headers={"Accept": "application/json", "Authorization": "Basic c2VjcmV0"}
    )
    assert set(response.json["headers"]) == {"Accept", "Accept-Language", "User-Agent"}
    assert "c2VjcmV0" not in response.text


def test_ranked_orders_by_preference() -> None:
    assert ranked("a;q=0.5, b, c;q=0.7, d;q=2, e;level=1, f;q=0.25 ,g;Q=1.000") == [
        ("b", 1.0),
        ("e", 1.0),
        ("g", 1.0),
        ("c", 0.7),
        ("a", 0.5),
        ("f", 0.25),
        ("d", 0.0),  # not a valid weight
    ]
    assert ranked("") == []
