"""The REST resource ``/api/items`` on ``MethodDispatcher``: one method per HTTP verb.

``/api/items`` is the collection (GET, POST; ``?done=true|false`` filters GET) and
``/api/items/<id>`` one item (GET, PUT, DELETE): two classes, so each answers another method
with 405 and an ``Allow`` header listing its own methods. Every answer is JSON, errors included:
``error_page.default`` renders them, ``json_in`` answers malformed JSON with 400, and a body
over ``request.body.maxbytes`` is 413. ``tools.db`` gives each request its database session.
``APIRoot``, mounted at ``/api``, answers everything else under it with a JSON 404.
"""

from __future__ import annotations

import json
from typing import Any

import cherrypy
from sqlalchemy import select

from . import jsonbody
from .models import MAX_TITLE_LENGTH, Item, parse_id


def json_error_page(status: str, message: str, traceback: str, version: str) -> str:
    """CherryPy error page for every status: ``{"error": {"status": 404, "message": ...}}``.

    ``traceback`` is empty unless ``request.show_tracebacks`` is on (never in production); it is
    passed on for server errors only, since a 4xx is the client's mistake, not a bug.
    """
    cherrypy.response.headers["Content-Type"] = "application/json"
    code = int(status.split()[0])
    error: dict[str, Any] = {"status": code, "message": message}
    if traceback and code >= 500:
        error["traceback"] = traceback
    return json.dumps({"error": error})


# App config of the API, given to tree.mount(); the request dispatcher is chosen per app.
APP_CONFIG: dict[str, dict[str, Any]] = {
    "/": {
        "request.dispatch": cherrypy.dispatch.MethodDispatcher(),
        "error_page.default": json_error_page,
        "tools.unpad_errors.on": True,
        "tools.db.on": True,
    }
}
# App config of APIRoot: JSON errors, and no database session for a 404.
ROOT_CONFIG: dict[str, dict[str, Any]] = {
    "/": {"error_page.default": json_error_page, "tools.unpad_errors.on": True}
}


class APIRoot:
    """``/api`` and every path under it that no API app is mounted at: nothing is exposed,
    so the default dispatcher answers each with a 404, which ``json_error_page`` renders.
    (``cherrypy.tree`` gives a request to the app with the longest matching mount point.)"""


def json_processor(entity: Any) -> None:
    """``json_in``'s processor, without its demand for a ``Content-Length``: a chunked body is
    read too, and ``entity.fp`` answers 413 once it has read more than ``request.body.maxbytes``.
    """
    body = entity.fp.read()
    with cherrypy.HTTPError.handle(ValueError, 400, "Invalid JSON document"):
        cherrypy.request.json = jsonbody.loads(body.decode("utf-8"))


def refuse_unknown(params: dict[str, Any]) -> None:
    """A query parameter the resource does not know is a mistake worth saying (400)."""
    if params:
        names = ", ".join(sorted(params))
        raise cherrypy.HTTPError(400, f"unknown query parameter: {names}")


def parse_done_filter(value: str) -> bool:
    """``?done=true`` or ``?done=false``; CherryPy itself answers 404 to a query string
    that is not valid UTF-8, before any handler runs."""
    if value not in {"true", "false"}:
        raise cherrypy.HTTPError(400, "'done' must be true or false")
    return value == "true"


def request_document() -> Any:
    """The JSON body that ``json_in`` parsed; 400 if the request had none."""
    if not hasattr(cherrypy.request, "json"):
        raise cherrypy.HTTPError(400, "expected a JSON request body")
    return cherrypy.request.json


def validate(document: Any) -> dict[str, Any]:
    """The item fields of a request body, or 422 naming what is wrong."""
    if not isinstance(document, dict):
        raise cherrypy.HTTPError(422, "expected a JSON object")
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        raise cherrypy.HTTPError(422, "'title' must be a non-empty string")
    if len(title.strip()) > MAX_TITLE_LENGTH:
        raise cherrypy.HTTPError(422, f"'title' must be at most {MAX_TITLE_LENGTH} characters")
    done = document.get("done", False)
    if not isinstance(done, bool):
        raise cherrypy.HTTPError(422, "'done' must be true or false")
    return {"title": title.strip(), "done": done}


def find_item(item_id: str) -> Item:
    number = parse_id(item_id)
    item = cherrypy.request.db.get(Item, number) if number is not None else None
    if item is None:
        raise cherrypy.NotFound()
    return item


@cherrypy.expose
class NoResource:
    """What a path under ``/api/items/<id>/`` dispatches to: a 404 whatever the method."""

    def GET(self, *_segments: str, **_params: Any) -> None:
        raise cherrypy.NotFound()

    HEAD = POST = PUT = PATCH = DELETE = OPTIONS = GET


NO_RESOURCE = NoResource()


@cherrypy.expose
@cherrypy.tools.json_out()
class ItemResource:
    """``/api/items/<id>``; the ID arrives as the ``item_id`` parameter (see ``_cp_dispatch``)."""

    def GET(self, item_id: str, **unknown: Any) -> dict[str, Any]:
        refuse_unknown(unknown)
        return find_item(item_id).to_dict()

    @cherrypy.tools.json_in(processor=json_processor)
    def PUT(self, item_id: str, **unknown: Any) -> dict[str, Any]:
        refuse_unknown(unknown)
        item = find_item(item_id)
        for name, value in validate(request_document()).items():
            setattr(item, name, value)
        return item.to_dict()

    def DELETE(self, item_id: str, **unknown: Any) -> None:
        refuse_unknown(unknown)
        cherrypy.request.db.delete(find_item(item_id))
        cherrypy.response.status = 204


@cherrypy.expose
@cherrypy.tools.json_out()
class ItemsAPI:
    """``/api/items``; MethodDispatcher calls the method named after the HTTP verb."""

    def __init__(self) -> None:
        self.item = ItemResource()

    def _cp_dispatch(self, vpath: list[str]) -> ItemResource | NoResource:
        """``/api/items/<id>`` and nothing deeper: the ID becomes a parameter."""
        if len(vpath) == 1:
            cherrypy.request.params["item_id"] = vpath.pop()
            return self.item
        # /api/items/1/true: an unknown resource, not item 1 nor the collection (whose 405
        # would say PUT is not allowed on a resource that does not exist).
        vpath.clear()
        return NO_RESOURCE

    def GET(self, done: str | None = None, **unknown: Any) -> dict[str, Any]:
        refuse_unknown(unknown)
        query = select(Item).order_by(Item.id)
        if done is not None:
            query = query.where(Item.done.is_(parse_done_filter(done)))
        return {"items": [item.to_dict() for item in cherrypy.request.db.scalars(query)]}

    @cherrypy.tools.json_in(processor=json_processor)
    def POST(self, **unknown: Any) -> dict[str, Any]:
        refuse_unknown(unknown)
        item = Item(**validate(request_document()))
        session = cherrypy.request.db
        session.add(item)
        session.flush()  # assigns the ID
        cherrypy.response.status = 201
        cherrypy.response.headers["Location"] = cherrypy.url(f"/{item.id}")
        return item.to_dict()
