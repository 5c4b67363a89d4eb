"""A small JSON API: full-text search over articles, and creating and reading articles.

``GET /api/search?text=...`` and ``POST /api/search`` with ``{"text": "..."}`` run CubicWeb's
full-text search (``has_text``, over the schema's ``fulltextindexed`` attributes) on the
request's own connection, so the repository applies the caller's read permissions: anonymous
visitors only find published articles. Searching changes nothing, hence no CSRF token is
required; the body must be ``application/json``, which a cross-site HTML form cannot send.

``POST /api/articles`` with ``{"title": ..., "body": ..., "publish": true}`` creates an article
as the authenticated user (HTTP Basic, see ``auth.py``, or the web UI's session cookie) and
answers 201 with the ``Location`` of ``GET /api/articles/<eid>``. The schema decides who may do
what: a user outside ``users``/``managers`` gets 403, publishing needs the workflow's groups, and
a reader only sees the articles the schema lets them read (404 otherwise).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from cubicweb import Unauthorized, UnknownEid, ValidationError
from pyramid.config import Configurator
from pyramid.csrf import check_csrf_origin, check_csrf_token
from pyramid.request import Request
from pyramid.response import Response

from . import jsonbody
from .auth import has_basic_credentials

# Overridden by the "max_body_bytes" setting of config/<env>.ini (see wsgi.pyramid_settings).
MAX_BODY_SETTING = "{{ cookiecutter.package_name }}.max_body_bytes"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
MAX_TEXT_LENGTH = 200
MAX_RESULTS = 20
SEARCH_RQL = f"Any X LIMIT {MAX_RESULTS} WHERE X has_text %(text)s, X is Article"
ARTICLE_RQL = "Any X WHERE X eid %(eid)s, X is Article"
# Eids are 32-bit integers in CubicWeb's tables: a larger one is simply not there.
MAX_EID = 2**31 - 1
# The schema's sizes (Article.title maxsize) and a bound for the unbounded body.
MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 100_000
ARTICLE_FIELDS = {"title", "body", "publish"}


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
        return jsonbody.loads(request.body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not valid UTF-8") from None
    except ValueError:
        raise ApiError(400, "the body is not valid JSON") from None


def check_unicode(name: str, value: str) -> str:
    try:
        value.encode("utf-8")  # JSON may carry lone surrogates ("\ud800")
    except UnicodeEncodeError:
        raise ApiError(400, f'"{name}" is not valid Unicode') from None
    if "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise ApiError(422, f'"{name}" may not contain NUL characters')
    return value


def check_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ApiError(422, '"text" must be a non-empty string')
    if len(value) > MAX_TEXT_LENGTH:
        raise ApiError(422, f'"text" may not exceed {MAX_TEXT_LENGTH} characters')
    return check_unicode("text", value).strip()


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
            response = json_response(error.status, {"error": error.detail})
            if error.status == 401:
                response.www_authenticate = ("Basic", {"realm": request.host, "charset": "UTF-8"})
            return response

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


def article_fields(payload: Any) -> tuple[dict[str, str], bool]:
    """The attributes to create an article with, and whether to publish it."""
    if not isinstance(payload, dict):
        raise ApiError(422, 'send a JSON object such as {"title": "...", "body": "..."}')
    unknown = sorted(set(payload) - ARTICLE_FIELDS)
    if unknown:
        raise ApiError(422, f"unknown fields: {', '.join(unknown)}")
    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ApiError(422, '"title" must be a non-empty string')
    if len(title) > MAX_TITLE_LENGTH:
        raise ApiError(422, f'"title" may not exceed {MAX_TITLE_LENGTH} characters')
    fields = {"title": check_unicode("title", title)}
    body = payload.get("body")
    if body is not None:
        if not isinstance(body, str):
            raise ApiError(422, '"body" must be a string')
        if len(body) > MAX_BODY_LENGTH:
            raise ApiError(422, f'"body" may not exceed {MAX_BODY_LENGTH} characters')
        fields["body"] = check_unicode("body", body)
    publish = payload.get("publish", False)
    if not isinstance(publish, bool):
        raise ApiError(422, '"publish" must be true or false')
    return fields, publish


def check_writer(request: Request) -> None:
    """401 without a valid user; the CSRF check for the web UI's cookie sessions.

    The body must be JSON, which a cross-site page can only send after a CORS preflight this
    application never grants; Basic clients (scripts) have no CSRF cookie to echo, so only
    cookie-authenticated requests are held to the token, as everywhere else in CubicWeb.
    """
    if has_basic_credentials(request):
        if request.basic_auth_eid is None:
            raise ApiError(401, "the credentials are wrong")
        return
    if request.authenticated_userid is None:
        raise ApiError(401, "authenticate with HTTP Basic credentials")
    if not (check_csrf_token(request, raises=False) and check_csrf_origin(request, raises=False)):
        raise ApiError(403, "send the csrf_token cookie's value as the X-CSRF-Token header")


def validation_detail(error: ValidationError) -> str:
    error.translate(str)  # fills in the messages' parameters
    return "; ".join(f"{field}: {message}" for field, message in error.errors.items())


def article_json(request: Request, entity: Any) -> dict[str, Any]:
    return {
        "eid": entity.eid,
        "title": entity.title,
        "body": entity.body,
        "word_count": entity.word_count,
        "state": entity.state_name,
        "url": entity.absolute_url(),
        "api_url": request.route_url("api.article", eid=entity.eid),
    }


def publish_or_delete(cnx: Any, article: Any) -> None:
    """Fire "publish"; if the workflow refuses, remove the article: the request did nothing.

    The article gets its initial state when its creation is committed, so it can only be
    published in a second transaction; its owner may always delete it.
    """
    try:
        article.cw_adapt_to("IWorkflowable").fire_transition("publish")
        cnx.commit()
        article.cw_clear_all_caches()  # the state read before the transition
    except (Unauthorized, ValidationError):
        cnx.rollback()
        article.cw_delete()
        cnx.commit()
        raise ApiError(403, "you may not publish articles") from None


@api_view
def article_create(request: Request) -> Response:
    check_writer(request)
    fields, publish = article_fields(read_json_body(request))
    cnx = request.cw_cnx  # the user's own connection: the schema's permissions apply
    try:
        article = cnx.create_entity("Article", **fields)
        cnx.commit()  # now, so that a refused commit is this answer and not a lost write
    except Unauthorized:
        cnx.rollback()
        raise ApiError(403, "you may not add articles") from None
    except ValidationError as error:
        cnx.rollback()
        raise ApiError(422, validation_detail(error)) from None
    if publish:
        publish_or_delete(cnx, article)
    response = json_response(201, article_json(request, article))
    response.location = request.route_url("api.article", eid=article.eid)
    return response


@api_view
def article_read(request: Request) -> Response:
    eid = int(request.matchdict["eid"])
    cnx = request.cw_cnx
    try:
        if eid > MAX_EID or cnx.entity_type(eid) != "Article":
            raise ApiError(404, f"no article {eid}")
        entity = cnx.execute(ARTICLE_RQL, {"eid": eid}).one()
    except (UnknownEid, Unauthorized):  # an unreadable article is not told apart from none
        raise ApiError(404, f"no article {eid}") from None
    return json_response(200, article_json(request, entity))


def method_not_allowed(*allowed: str) -> Callable[[Request], Response]:
    def view(request: Request) -> Response:
        response = json_response(405, {"error": f"{request.method} is not allowed here"})
        response.allow = allowed
        return response

    return view


def includeme(config: Configurator) -> None:
    config.add_route("api.search", "/api/search")
    config.add_view(search_get, route_name="api.search", request_method="GET")
    config.add_view(search_post, route_name="api.search", request_method="POST", require_csrf=False)
    # Chosen when no view above matches the method: a JSON 405 instead of CubicWeb's 404.
    config.add_view(
        method_not_allowed("GET", "HEAD", "POST"), route_name="api.search", require_csrf=False
    )
    config.add_route("api.articles", "/api/articles")
    # CSRF is checked by check_writer, which knows how the request was authenticated.
    config.add_view(
        article_create, route_name="api.articles", request_method="POST", require_csrf=False
    )
    config.add_view(method_not_allowed("POST"), route_name="api.articles", require_csrf=False)
    config.add_route("api.article", "/api/articles/{eid:[0-9]+}")
    config.add_view(article_read, route_name="api.article", request_method="GET")
    config.add_view(method_not_allowed("GET", "HEAD"), route_name="api.article", require_csrf=False)
