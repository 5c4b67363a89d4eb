"""The HTML blueprint: Jinja2 templates, autoescaping, static files, forms and Unicode."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import pytest

from {{ cookiecutter.package_name }} import PROJECT_NAME, __version__

UNICODE_TEXT = "Grüße, 世界 🎉"


def test_index_names_the_project_in_the_base_layout(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"<title>{escape(PROJECT_NAME)}</title>" in page
    assert f"<h1>{escape(PROJECT_NAME)}</h1>" in page
    assert f"{escape(PROJECT_NAME)} {__version__}</footer>" in page
    assert '<link rel="stylesheet" href="/static/style.css">' in page


def test_static_files_are_served(client) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert b"font-family" in response.data
    response.close()


def test_unicode_in_the_route_round_trips(client) -> None:
    response = client.get("/hello/" + quote(UNICODE_TEXT))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<span id="name">{UNICODE_TEXT}</span>' in page
    assert response.content_type == "text/html; charset=utf-8"
    assert UNICODE_TEXT.encode() in response.data


def test_templates_link_to_unicode_urls(client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert f'href="/hello/{quote(UNICODE_TEXT, safe=",")}"' in page


def test_templates_autoescape(client) -> None:
    page = client.get("/hello/" + quote("<script>alert(1)</script>")).get_data(as_text=True)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unicode_form_data_comes_back_in_a_flash_message(client, csrf_token) -> None:
    response = client.post("/greet", data={"name": f"  {UNICODE_TEXT}  ", "csrf_token": csrf_token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert f'<p class="flash message">Hello, {UNICODE_TEXT}!</p>' in page
    # A flash message is shown once.
    assert "Hello," not in client.get("/").get_data(as_text=True)


def test_form_input_is_escaped_in_the_flash_message(client, csrf_token) -> None:
    client.post("/greet", data={"name": "<b>bold</b>", "csrf_token": csrf_token})
    page = client.get("/").get_data(as_text=True)
    assert "Hello, &lt;b&gt;bold&lt;/b&gt;!" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Please enter your name."),
        ("   ", "Please enter your name."),
        ("x" * 101, "At most 100"),
    ],
)
def test_an_invalid_name_is_a_400_with_the_form_and_its_error(
    client, csrf_token, name: str, message: str
) -> None:
    response = client.post("/greet", data={"name": name, "csrf_token": csrf_token})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert '<form method="post" action="/greet" novalidate>' in page
    # The error is tied to the field for screen readers, and the value is kept.
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="name-errors"' in page
    assert f'value="{name}"' in page or not name.strip()


def test_the_page_names_its_icon_and_description(client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    assert '<meta name="description"' in page
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == "/static/favicon.svg"


def test_unknown_page_is_an_html_404(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<h1>404 Not Found</h1>" in response.get_data(as_text=True)


def test_wrong_method_on_a_page_is_an_html_405(client) -> None:
    response = client.delete("/")
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_health(client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "version": __version__}
