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

from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
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
    # PEP 3333: PATH_INFO holds the URL-decoded bytes of the path as latin-1 text.
    if not is_utf8(request.environ.get("PATH_INFO", "").encode("latin-1")):
        raise BadRequest("the URL path is not valid UTF-8")
    query = unquote_to_bytes(request.query_string.replace(b"+", b" "))
    if not is_utf8(query):
        raise BadRequest("the query string is not valid UTF-8")


def add_security_headers(response: Response) -> Response:
    headers = {
        **SECURITY_HEADERS,
        "Content-Security-Policy": current_app.config["CONTENT_SECURITY_POLICY"],
    }
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.before_request(refuse_invalid_utf8)
    csrf.init_app(app)
    app.after_request(add_security_headers)
