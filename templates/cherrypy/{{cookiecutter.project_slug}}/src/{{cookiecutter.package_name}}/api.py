"""The REST resource ``/api/items``: one method per HTTP verb, routed by ``MethodDispatcher``.

``/api/items`` is the collection (GET, POST; ``?done=true|false`` filters GET); ``/api/items/<id>``
one item (GET, PUT, DELETE). The ID arrives as a positional argument (a "virtual path" segment),
query parameters as keyword arguments. Every answer is JSON, errors included:
``error_page.default`` renders them, and ``json_in`` answers malformed JSON with 400. Bodies
over ``server.max_request_body_size`` never get here: cheroot answers 413 itself.
"""

from __future__ import annotations

import json
from typing import Any

import cherrypy

from .plugins import Item, ItemStore

MAX_TITLE_LENGTH = 200


def json_error_page(status: str, message: str, traceback: str, version: str) -> str:
    """CherryPy error page for every status: ``{"error": {"status": 404, "message": ...}}``.

    ``traceback`` is empty unless ``request.show_tracebacks`` is on (never in production); it is
    passed on for server errors only, since a 4xx is the client's mistake, not a bug.
    """
    cherrypy.serving.response.headers["Content-Type"] = "application/json"
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
    }
}


def parse_item_id(item_id: str) -> int:
    try:
        return int(item_id)
    except ValueError:
        raise cherrypy.NotFound() from None


def parse_done_filter(value: str) -> bool:
    """``?done=true`` or ``?done=false``; CherryPy itself answers 404 to a query string
    that is not valid UTF-8, before any handler runs."""
    if value not in {"true", "false"}:
        raise cherrypy.HTTPError(400, "'done' must be true or false")
    return value == "true"


def request_document() -> Any:
    """The JSON body that ``json_in`` parsed; 400 if the request had none."""
    request = cherrypy.serving.request
    if not hasattr(request, "json"):
        raise cherrypy.HTTPError(400, "expected a JSON request body")
    return request.json


def validate(document: Any) -> Item:
    """The item fields of a request body, or 422 naming what is wrong."""
    if not isinstance(document, dict):
        raise cherrypy.HTTPError(422, "expected a JSON object")
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        raise cherrypy.HTTPError(422, "'title' must be a non-empty string")
    if len(title) > MAX_TITLE_LENGTH:
        raise cherrypy.HTTPError(422, f"'title' must be at most {MAX_TITLE_LENGTH} characters")
    done = document.get("done", False)
    if not isinstance(done, bool):
        raise cherrypy.HTTPError(422, "'done' must be true or false")
    return {"title": title.strip(), "done": done}


@cherrypy.expose
@cherrypy.tools.json_out()
class ItemsAPI:
    """``/api/items``; MethodDispatcher calls the method named after the HTTP verb."""

    def __init__(self, store: ItemStore) -> None:
        self.store = store

    def GET(self, item_id: str | None = None, done: str | None = None) -> Any:
        if item_id is None:
            items = self.store.items()
            if done is not None:
                wanted = parse_done_filter(done)
                items = [item for item in items if item["done"] is wanted]
            return {"items": items}
        item = self.store.get(parse_item_id(item_id))
        if item is None:
            raise cherrypy.NotFound()
        return item

    @cherrypy.tools.json_in()
    def POST(self) -> Item:
        item = self.store.add(validate(request_document()))
        cherrypy.serving.response.status = 201
        cherrypy.serving.response.headers["Location"] = cherrypy.url(f"/{item['id']}")
        return item

    @cherrypy.tools.json_in()
    def PUT(self, item_id: str) -> Item:
        fields = validate(request_document())
        item = self.store.replace(parse_item_id(item_id), fields)
        if item is None:
            raise cherrypy.NotFound()
        return item

    def DELETE(self, item_id: str) -> None:
        if not self.store.delete(parse_item_id(item_id)):
            raise cherrypy.NotFound()
        cherrypy.serving.response.status = 204
