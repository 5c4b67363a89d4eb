"""Request and response hardening, as Flask hooks on the whole app.

- ``before_request``: a path or query string that is not valid UTF-8 is refused with 400.
  Werkzeug decodes both leniently (bad bytes become U+FFFD), so a view would otherwise see
  text the client never sent.
- CSRF: Flask-WTF's ``CSRFProtect`` refuses a POST/PUT/PATCH/DELETE without a valid token with
  ``CSRFError``, a 400 that ``errors.py`` renders like any other. Forms send the token in a
  hidden ``csrf_token`` field (templates/index.html); scripts in an ``X-CSRFToken`` header.
- ``after_request``: security headers on every response, error pages and static files included.
  Headers a view sets itself are kept, so one view can loosen its own Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

# One extension object for every app; blueprints opt out with ``csrf.exempt(bp)`` (see api.py).
csrf = CSRFProtect()

# CONTENT_SECURITY_POLICY (config) is added to these.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refuse_invalid_utf8() -> None:
    # PEP 3333: PATH_INFO and QUERY_STRING hold bytes as latin-1 text, the path URL-decoded.
    # The ASCII tests are a fast path for the common case: ASCII text is valid UTF-8.
    environ = request.environ
    path = environ.get("PATH_INFO", "")
    if not path.isascii() and not is_utf8(path.encode("latin-1")):
        raise BadRequest("the URL path is not valid UTF-8")
    query = environ.get("QUERY_STRING", "")
    if query.isascii() and "%" not in query:
        return
    if not is_utf8(unquote_to_bytes(query.encode("latin-1").replace(b"+", b" "))):
        raise BadRequest("the query string is not valid UTF-8")


def security_headers(config: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The headers sent on every response, as (name, value) pairs."""
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": config["CONTENT_SECURITY_POLICY"]}
    return tuple(headers.items())


def header_adder(headers: tuple[tuple[str, str], ...]) -> Callable[[Response], Response]:
    """An after_request hook that adds ``headers``, keeping those the view set itself.

    The pairs are built once per app rather than per response: this hook runs on every request.
    """
    lowered = tuple((name.lower(), name, value) for name, value in headers)

    def add_security_headers(response: Response) -> Response:
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend((name, value) for key, name, value in lowered if key not in present)
        return response

    return add_security_headers


def init_app(app: Flask) -> None:
    app.before_request(refuse_invalid_utf8)
    csrf.init_app(app)
    # CONTENT_SECURITY_POLICY is read here, once: the config is complete when the app is built.
    app.after_request(header_adder(security_headers(app.config)))
