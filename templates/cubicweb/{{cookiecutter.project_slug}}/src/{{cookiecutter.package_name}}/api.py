"""A small JSON API: full-text search over articles.

``GET /api/search?text=...`` and ``POST /api/search`` with ``{"text": "..."}`` run CubicWeb's
full-text search (``has_text``, over the schema's ``fulltextindexed`` attributes) on the
request's own connection, so the repository applies the caller's read permissions: anonymous
visitors only find published articles. Searching changes nothing, hence no CSRF token is
required; the body must be ``application/json``, which a cross-site HTML form cannot send.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response

# Overridden by the "max_body_bytes" setting of config/<env>.ini (see wsgi.pyramid_settings).
MAX_BODY_SETTING = "{{ cookiecutter.package_name }}.max_body_bytes"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
MAX_TEXT_LENGTH = 200
MAX_RESULTS = 20
SEARCH_RQL = f"Any X LIMIT {MAX_RESULTS} WHERE X has_text %(text)s, X is Article"


class ApiError(Exception):
    """A client error, answered as ``{"error": detail}`` with its HTTP status."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def json_response(status: int, data: dict[str, Any]) -> Response:
    return Response(json_body=data, status=status, charset="utf-8")


def max_body_bytes(request: Request) -> int:
    return int(request.registry.settings.get(MAX_BODY_SETTING, DEFAULT_MAX_BODY_BYTES))


def read_json_body(request: Request) -> Any:
    """The decoded JSON body; ApiError for a wrong type, a body too large or not JSON."""
    if request.content_type != "application/json":
        raise ApiError(415, "send the body as application/json")
    limit = max_body_bytes(request)
    if (request.content_length or 0) > limit:
        raise ApiError(413, f"the body may not exceed {limit} bytes")
    try:
        return json.loads(request.body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not valid UTF-8") from None
    except ValueError:
        raise ApiError(400, "the body is not valid JSON") from None


def check_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ApiError(422, '"text" must be a non-empty string')
    if len(value) > MAX_TEXT_LENGTH:
        raise ApiError(422, f'"text" may not exceed {MAX_TEXT_LENGTH} characters')
    try:
        value.encode("utf-8")  # JSON may carry lone surrogates ("\ud800")
    except UnicodeEncodeError:
        raise ApiError(400, '"text" is not valid Unicode') from None
    return value.strip()


def search(request: Request, text: str) -> Response:
    """Articles whose title or body match, among those the requesting user may read."""
    rset = request.cw_cnx.execute(SEARCH_RQL, {"text": text})
    results = [
        {
            "eid": entity.eid,
            "type": entity.cw_etype,
            "title": entity.dc_title(),
            "url": entity.absolute_url(),
        }
        for entity in rset.entities()
    ]
    return json_response(200, {"text": text, "results": results})


def api_view(view: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Answer ApiError as JSON rather than through CubicWeb's HTML error pages."""

    @functools.wraps(view)
    def wrapper(request: Request) -> Response:
        try:
            return view(request)
        except ApiError as error:
            return json_response(error.status, {"error": error.detail})

    return wrapper


@api_view
def search_get(request: Request) -> Response:
    return search(request, check_text(request.GET.get("text")))


@api_view
def search_post(request: Request) -> Response:
    payload = read_json_body(request)
    if not isinstance(payload, dict):
        raise ApiError(422, 'send a JSON object such as {"text": "..."}')
    return search(request, check_text(payload.get("text")))


def method_not_allowed(request: Request) -> Response:
    response = json_response(405, {"error": f"{request.method} is not allowed here"})
    response.allow = ("GET", "HEAD", "POST")
    return response


def includeme(config: Configurator) -> None:
    config.add_route("api.search", "/api/search")
    config.add_view(search_get, route_name="api.search", request_method="GET")
    config.add_view(search_post, route_name="api.search", request_method="POST", require_csrf=False)
    # Chosen when no view above matches the method: a JSON 405 instead of CubicWeb's 404.
    config.add_view(method_not_allowed, route_name="api.search", require_csrf=False)
