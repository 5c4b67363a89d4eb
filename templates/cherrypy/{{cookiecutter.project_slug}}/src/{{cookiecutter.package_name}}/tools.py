"""Custom CherryPy tools, switched on per path in config: ``tools.request_id.on = True``.

Importing this module registers them on ``cherrypy.tools``.
"""

from __future__ import annotations

import functools
import re
import time

import cherrypy
from cherrypy.lib import httputil

from .security_headers import SecurityPolicy, load_policy

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


def set_security_headers(policy: SecurityPolicy | None = None) -> None:
    """The shared security headers (security_headers.py); ``configuration.load`` passes the
    policy checked at start-up as ``tools.security_headers.policy``.

    On ``on_start_resource``, before the handler: error pages get them too, and a header the
    handler sets replaces ours. The peer is the WSGI ``REMOTE_ADDR``, which ``tools.proxy``
    leaves alone. Measured with timeit (shared, loaded 2-core machine): 5-10 us per request
    for the 4 fixed headers before, 14-17 us for the 6 of the shared policy and the HTTPS check
    (2 us); HeaderMap title-cases each name as it is set.
    """
    policy = policy or default_policy()
    https = policy.is_https_environ(cherrypy.request.wsgi_environ)
    headers = cherrypy.response.headers
    for name, value in policy.headers(https):
        headers[name] = value


@functools.cache
def default_policy() -> SecurityPolicy:
    """For apps configured without ``configuration.load`` (tests of a single app)."""
    return load_policy()


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
cherrypy.tools.samesite = cherrypy.Tool("before_finalize", set_samesite, priority=80)
cherrypy.tools.unpad_errors = UnpadErrorsTool()
cherrypy.tools.body_limit = cherrypy.Tool("on_start_resource", refuse_large_bodies, priority=50)
cherrypy.tools.skip_refused_bodies = cherrypy.Tool(
    "before_request_body", skip_refused_bodies, priority=50
)
cherrypy.tools.timing = TimingTool()
