"""A Pyramid tween, outermost of all: security headers on every response, and refusal of URLs
that CubicWeb cannot decode or that try to climb out of a folder.

CubicWeb's own request wrapper and error page decode the path and query as UTF-8 and fail with a
500 on anything else, so such requests are answered here, before any of CubicWeb's tweens.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.tweens import INGRESS

Handler = Callable[[Request], Response]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# cubicweb-web's pages rely on inline <script> blocks, onclick="..." handlers and eval() (its
# JSON helper), so scripts cannot be restricted further than to this origin without breaking the
# UI; everything else is locked to the site itself, and no other site may frame it.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PATH_SEPARATORS = re.compile(r"[/\\]")


def refusal_reason(request: Request) -> str | None:
    """Why the request's URL is refused, or None if it is acceptable."""
    try:
        path = request.path_info  # percent-decoded, then decoded as UTF-8
        request.GET  # noqa: B018 - decoding the query string is the check
    except UnicodeDecodeError:
        return "the URL is not valid UTF-8"
    if ".." in PATH_SEPARATORS.split(path):
        return "the path may not contain '..' segments"
    return None


def add_security_headers(response: Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.content_type == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)


def security_tween_factory(handler: Handler, registry: Registry) -> Handler:
    def security_tween(request: Request) -> Response:
        reason = refusal_reason(request)
        if reason:
            response = HTTPBadRequest(reason)
            response.prepare(request.environ)  # renders the body (HTML, JSON or text) now
        else:
            response = handler(request)
        add_security_headers(response)
        return response

    return security_tween


def includeme(config: Configurator) -> None:
    # Just under INGRESS: it wraps every other tween, CubicWeb's error handling included.
    config.add_tween(f"{__name__}.security_tween_factory", under=INGRESS)
