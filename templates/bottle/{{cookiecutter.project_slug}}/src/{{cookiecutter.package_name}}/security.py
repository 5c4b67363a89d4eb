"""What every request goes through: body limits and multipart parsing, signed cookies and
CSRF (Bottle plugins), the UTF-8 check and the security headers (hooks)."""

from __future__ import annotations

import email.message
import functools
import hmac
import logging
import secrets
import urllib.parse
from collections.abc import Callable
from typing import Any

import bottle
from bottle import abort, request, response

from . import settings
from .security_headers import SecurityPolicy

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Bottle reads JSON and url-encoded bodies into memory up to MEMFILE_MAX; multipart bodies may be
# larger (their files are spooled to disk), by the upload limit plus room for the other fields.
FORM_BODY_BYTES = bottle.BaseRequest.MEMFILE_MAX
MULTIPART_OVERHEAD_BYTES = 16 * 1024
# Error pages, /uploads and /headers answer HTML or JSON by Accept.
VARY = ("Vary", "Accept")
CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"


def upload_limit_message(limit: int) -> str:
    return f"Files may be at most {limit} bytes."


def parse_multipart(body_limit: int) -> None:
    """Parse a multipart body into ``request.forms`` and ``request.files``.

    Bottle 0.13 gives its parser MEMFILE_MAX both as the size a part may keep in memory and as
    the memory all parts may use together, so a file just under 100 KiB sent with any other
    field fails with "Memory limit reached" (bottlepy/bottle#1470). This is the same parser with
    the second limit raised to the whole body's, which the caller has already checked.
    """
    header = email.message.Message()
    header["Content-Type"] = request.environ["CONTENT_TYPE"]  # request.content_type is lowered
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        abort(400, "The multipart body has no boundary.")
    parser = bottle._MultipartParser(  # type: ignore[attr-defined]
        request.body, boundary, request.content_length, disk_limit=body_limit,
        mem_limit=body_limit, memfile_limit=FORM_BODY_BYTES, charset="utf8",
    )  # fmt: skip
    post = bottle.FormsDict()
    post.recode_unicode = False
    for part in parser.parse():
        if not part.filename and part.is_buffered():
            post[part.name] = part.value
        else:
            post[part.name] = bottle.FileUpload(
                part.file, part.name, part.filename, part.headerlist
            )
    request.environ["bottle.request.post"] = post  # where Bottle caches request.POST


class BodyPlugin:
    """Refuses a body that is too large before anything reads it (Bottle has no limit of its
    own), parses multipart bodies and checks that forms are UTF-8. A route with ``upload=True``
    takes a file up to the upload limit as its whole body; multipart bodies get that plus room
    for the other fields."""

    name = "body"
    api = 2

    def apply(self, callback: Callable[..., Any], route: bottle.Route) -> Callable[..., Any]:
        if route.method in SAFE_METHODS:
            return callback

        @functools.wraps(callback)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if request.chunked:
                abort(411, "Send a Content-Length header.")
            upload_bytes = request.app.config["app.max_upload_bytes"]
            multipart = request.content_type.startswith("multipart/")
            if route.config.get("upload"):
                limit, message = upload_bytes, upload_limit_message(upload_bytes)
            elif multipart:
                limit = upload_bytes + MULTIPART_OVERHEAD_BYTES
                message = upload_limit_message(upload_bytes)
            else:
                limit = FORM_BODY_BYTES
                message = f"The request body is larger than the limit of {limit} bytes."
            if request.content_length > limit:
                abort(413, message)
            try:  # Bottle decodes form fields on first use: a bad byte would be a 500 there
                if multipart:
                    parse_multipart(limit)
                elif request.content_type.startswith("application/x-www-form-urlencoded"):
                    request.forms.decode()
            except UnicodeDecodeError:
                abort(400, "The form is not valid UTF-8.")
            return callback(*args, **kwargs)

        return checked


def cookie_options() -> dict[str, Any]:
    """Page scripts cannot read our cookies, other sites cannot POST them, HTTPS hides them."""
    return {
        "path": "/",
        "httponly": True,
        "samesite": "lax",
        "secure": request.app.config["app.https"],
    }


def set_signed_cookie(name: str, value: str, max_age: int | None = None) -> None:
    options = cookie_options() | ({"max_age": max_age} if max_age else {})
    response.set_cookie(name, value, secret=request.app.config["app.secret_key"], **options)


def get_signed_cookie(name: str) -> str | None:
    """The cookie's value, or None when it is missing or its signature does not match."""
    value = request.get_cookie(name, secret=request.app.config["app.secret_key"])
    return value if isinstance(value, str) else None


def csrf_token() -> str:
    """The token forms must send back; it lives in a signed cookie (double-submit pattern)."""
    token = get_signed_cookie(CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        set_signed_cookie(CSRF_COOKIE, token)
    return token


def refuse_cookieless_form() -> None:
    """A form without its cookie. Over plain HTTP with HTTPS on, the browser kept the Secure
    cookie to itself: say so, rather than blame the form."""
    if request.app.config["app.https"] and request.urlparts.scheme == "http":
        variable = settings.env_var("HTTPS")
        log.warning(
            "refused a form sent over plain HTTP to %s: with %s on, browsers only send the "
            "Secure CSRF cookie over HTTPS (serve behind TLS, have the proxy send "
            "X-Forwarded-Proto, or set %s=false)",
            request.urlparts.netloc, variable, variable,
        )  # fmt: skip
        abort(403, f"This site only accepts forms over HTTPS ({variable} is on): use https://.")
    abort(403, "The form has no security cookie: enable cookies, reload the page and retry.")


class CSRFPlugin:
    """Unsafe requests must send the token from the signed cookie in a form field.

    Another site can make a browser send our cookie, but cannot read it to copy the token, and
    cannot forge a cookie of its own without the secret key.
    """

    name = "csrf"
    api = 2

    def apply(self, callback: Callable[..., Any], route: bottle.Route) -> Callable[..., Any]:
        if route.method in SAFE_METHODS:
            return callback

        @functools.wraps(callback)
        def checked(*args: Any, **kwargs: Any) -> Any:
            expected = get_signed_cookie(CSRF_COOKIE)
            if not expected:
                refuse_cookieless_form()
            sent = request.forms.get(CSRF_FIELD, "")
            if not hmac.compare_digest(str(expected).encode(), sent.encode()):
                abort(403, "The form has expired or came from another site: reload it and retry.")
            return callback(*args, **kwargs)

        return checked


def add_security_headers() -> None:
    """The shared security headers (security_headers.py), checked once in ``load_settings``;
    headers the view set itself are kept. Measured with timeit (shared, loaded 2-core
    machine): 20-26 us per response for the 7 headers set unconditionally before, 28-40 us
    for the policy's 6 and Vary, each checked first, with the HTTPS check."""
    policy: SecurityPolicy = request.app.config["app.security_policy"]
    https = policy.is_https_environ(request.environ)
    for name, value in policy.missing(https, response.headers.keys()):
        response.set_header(name, value)
    if VARY[0] not in response.headers:
        response.set_header(*VARY)


def require_utf8_url() -> None:
    """A URL must be UTF-8 once percent-decoded: Bottle would silently drop the bad bytes of a
    path (``/caf%E9`` would match ``/caf``) and read an undecodable query value as missing."""
    try:
        request.environ["bottle.raw_path"].encode("latin-1").decode("utf-8")
        urllib.parse.unquote_to_bytes(request.query_string).decode("utf-8")
    except UnicodeError:
        abort(400, "The URL is not valid UTF-8.")
