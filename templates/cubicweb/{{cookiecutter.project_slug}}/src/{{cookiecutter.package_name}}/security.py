"""A Pyramid tween, outermost of all: the shared security headers (security_headers.py) on every
response, and refusal of URLs that CubicWeb cannot decode or that try to climb out of a folder.

CubicWeb's own request wrapper and error page decode the path and query as UTF-8 and fail with a
500 on anything else, so such requests are answered here, before any of CubicWeb's tweens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.tweens import INGRESS

from .security_headers import SecurityPolicy, load_policy

Handler = Callable[[Request], Response]

# The one exception to the shared Content-Security-Policy: the HTML pages of cubicweb-web (1.6),
# which is this starter's UI, and only them. Measured on its pages, each needs what it loosens:
# - script-src: every page has inline <script> blocks that differ on each request (a page id,
#   BASE_URL), onclick="..." / onsubmit="..." handlers, and fragments loaded with AJAX whose
#   inline scripts jQuery runs; a nonce cannot reach the handlers nor the fragments, and
#   hashes cannot follow per-request content. cubicweb.js evaluates JSON with eval() and
#   builds handlers with new Function(): 'unsafe-eval'.
# - style-src: forms and tabs (formrenderers.py, tabs.py, primary.py) write style="..." attributes.
# - img-src: jquery.ui.css draws an image from a data: URL.
# - frame-ancestors 'self' (and X-Frame-Options SAMEORIGIN): its edit forms post into a hidden
#   iframe of the same page (``eformframe``) and read the validation answer from it; other
#   sites still may not frame the pages.
# JSON, RDF, errors rendered by the API and /health keep the shared policy.
CUBICWEB_WEB_DIRECTIVES = {
    "script-src": "'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "frame-ancestors": "'self'",
}
CUBICWEB_WEB_FRAME_OPTIONS = "SAMEORIGIN"
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


def with_directives(policy: str, directives: Mapping[str, str]) -> str:
    """``policy`` with ``directives`` added, or replacing those of the same name."""
    merged = dict(directive.partition(" ")[::2] for directive in policy.split("; "))
    merged.update(directives)
    return "; ".join(f"{name} {value}".rstrip() for name, value in merged.items())


def security_tween_factory(handler: Handler, registry: Registry) -> Handler:
    policy: SecurityPolicy = registry["security_policy"]
    html_policy = with_directives(policy.content_security_policy, CUBICWEB_WEB_DIRECTIVES)

    def security_tween(request: Request) -> Response:
        reason = refusal_reason(request)
        if reason:
            response = HTTPBadRequest(reason)
            response.prepare(request.environ)  # renders the body (HTML, JSON or text) now
        else:
            response = handler(request)
        headers = response.headers
        if response.content_type == "text/html":
            headers.setdefault("Content-Security-Policy", html_policy)
            headers.setdefault("X-Frame-Options", CUBICWEB_WEB_FRAME_OPTIONS)
        https = policy.is_https_environ(request.environ)
        headers.extend(policy.missing(https, headers.keys()))
        return response

    return security_tween


def includeme(config: Configurator) -> None:
    """Raises ``settings.ConfigError`` for a bad security setting (security_headers.py)."""
    config.registry["security_policy"] = load_policy()
    # Just under INGRESS: it wraps every other tween, CubicWeb's error handling included.
    config.add_tween(f"{__name__}.security_tween_factory", under=INGRESS)
