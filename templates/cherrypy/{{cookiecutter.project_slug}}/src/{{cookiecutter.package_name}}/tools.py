"""Custom CherryPy tools, switched on per path in config: ``tools.request_id.on = True``.

Importing this module registers them on ``cherrypy.tools``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

import cherrypy
from cherrypy.lib import httputil

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's ID is echoed only if it is short and harmless in headers and logs.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def set_request_id(header: str = REQUEST_ID_HEADER) -> None:
    """Keep the caller's request ID, or make one; expose it as ``request.request_id``.

    A new ID is CherryPy's own ``request.unique_id``: a UUID4 made lazily once per request,
    which the access log renders anyway (its ``{i}`` field), so it costs no second UUID.
    """
    request = cherrypy.request
    incoming = request.headers.get(header)
    if incoming and _SAFE_REQUEST_ID.fullmatch(incoming):
        request_id = incoming
    else:
        request_id = str(request.unique_id)
    request.request_id = request_id
    cherrypy.response.headers[header] = request_id


# What every response says about how a browser may use it. A strict CSP fits this site: its
# pages load only their own stylesheet, with no inline script or style and no framing.
SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}


def set_security_headers(headers: Mapping[str, str] = SECURITY_HEADERS) -> None:
    """Add the security headers; ``tools.security_headers.headers`` replaces the whole set.

    On ``on_start_resource``, so error pages get them too and a handler may still override one.
    """
    response_headers = cherrypy.response.headers
    for name, value in headers.items():
        response_headers[name] = value


def set_hsts(max_age: int = 31536000) -> None:
    """``Strict-Transport-Security`` on answers over HTTPS: the HTTPS listener's, or a proxy's
    when ``tools.proxy`` has taken the public scheme from ``X-Forwarded-Proto``."""
    if cherrypy.request.base.startswith("https://"):
        cherrypy.response.headers["Strict-Transport-Security"] = f"max-age={max_age}"


def set_samesite(value: str = "Lax") -> None:
    """CherryPy's sessions tool has no SameSite option: add it to every cookie set."""
    for morsel in cherrypy.response.cookie.values():
        if not morsel["samesite"]:
            morsel["samesite"] = value


def unpad_errors() -> None:
    """Drop the spaces CherryPy pads short error bodies with for Internet Explorer 5.

    A JSON client gets exactly the document; the Content-Length follows.
    """
    response = cherrypy.response
    if httputil.valid_status(response.status)[0] < 400:
        return
    body = response.collapse_body()
    trimmed = body.rstrip(b" ")
    if len(trimmed) != len(body):
        response.body = trimmed
        response.headers["Content-Length"] = str(len(trimmed))


def refuse_large_bodies() -> None:
    """413 at once for a declared ``Content-Length`` over ``request.body.maxbytes``.

    CherryPy counts the bytes as it reads them (a chunked body too); a client that declares
    too much is refused before anything is read, by the app, so the API's 413 is JSON like its
    other errors. cheroot has no body limit of its own (``server.max_request_body_size = 0``):
    it closes the connection after a 413 rather than drain the body. Runs when the resource is
    found, before the query string is parsed, so no earlier error leaves such a body to drain.
    """
    request = cherrypy.request
    limit = request.body.maxbytes
    length = request.headers.get("Content-Length", "")
    if limit and length.isascii() and length.isdigit() and int(length) > limit:
        request.process_request_body = False
        raise cherrypy.HTTPError(413, f"the request body may have at most {limit} bytes")


def skip_refused_bodies() -> None:
    """Leave the body unread when the dispatcher has already refused the request.

    A dispatcher that finds no resource or no method for the verb sets ``request.handler`` to
    the error (404, or MethodDispatcher's 405 with the resource's ``Allow``). CherryPy would still
    process the body first, so a ``PUT`` without ``Content-Length`` got 411 instead.
    """
    request = cherrypy.request
    if isinstance(request.handler, cherrypy.HTTPError):
        request.process_request_body = False


class UnpadErrorsTool(cherrypy.Tool):
    """``unpad_errors`` after an HTTPError (``before_finalize``) and after an unexpected
    exception's 500 (``after_error_response``), the two places CherryPy pads."""

    def __init__(self) -> None:
        super().__init__("before_finalize", unpad_errors, priority=90)

    def _setup(self) -> None:
        super()._setup()
        cherrypy.request.hooks.attach("after_error_response", unpad_errors, priority=90)


class TimingTool(cherrypy.Tool):
    """Adds ``Server-Timing: app;dur=<ms>``: the time CherryPy spent on the request.

    A Tool hooks one point; like CherryPy's own session and caching tools, ``_setup`` attaches
    a second hook so the tool can measure from the start of the resource to finalize.
    """

    def __init__(self) -> None:
        super().__init__("on_start_resource", self._start, priority=10)

    @staticmethod
    def _start() -> None:
        cherrypy.request.timing_started = time.perf_counter()

    @staticmethod
    def _finish() -> None:
        started = getattr(cherrypy.request, "timing_started", None)
        if started is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            cherrypy.response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"

    def _setup(self) -> None:
        super()._setup()
        cherrypy.request.hooks.attach("before_finalize", self._finish, priority=90)


cherrypy.tools.request_id = cherrypy.Tool("on_start_resource", set_request_id, priority=5)
cherrypy.tools.security_headers = cherrypy.Tool(
    "on_start_resource", set_security_headers, priority=5
)
cherrypy.tools.hsts = cherrypy.Tool("before_finalize", set_hsts, priority=80)
cherrypy.tools.samesite = cherrypy.Tool("before_finalize", set_samesite, priority=80)
cherrypy.tools.unpad_errors = UnpadErrorsTool()
cherrypy.tools.body_limit = cherrypy.Tool("on_start_resource", refuse_large_bodies, priority=50)
cherrypy.tools.skip_refused_bodies = cherrypy.Tool(
    "before_request_body", skip_refused_bodies, priority=50
)
cherrypy.tools.timing = TimingTool()
