"""Error pages: JSON under the API prefix, HTML elsewhere, never a traceback.

Unhandled exceptions reach these handlers as a 500 only when the debugger is off: in development,
Werkzeug's debugger shows the traceback instead.
"""

from __future__ import annotations

from flask import Flask, json, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

# Errors under this prefix (the API blueprint's) are JSON; the rest are HTML pages.
JSON_PREFIX = "/api"


def wants_json() -> bool:
    return request.path == JSON_PREFIX or request.path.startswith(JSON_PREFIX + "/")


def handle_http_error(error: HTTPException) -> Response:
    # get_response() keeps the status and headers that matter, such as Allow on a 405.
    response = error.get_response()
    if wants_json():
        body = {"status": error.code, "error": error.name, "message": error.description}
        response.set_data(json.dumps(body))
        response.content_type = "application/json"
    else:
        response.set_data(render_template("error.html", error=error))
        response.content_type = "text/html; charset=utf-8"
    return response


def init_app(app: Flask) -> None:
    # HTTPException covers aborts, routing errors (404, 405), 413, and unhandled exceptions,
    # which Flask wraps in InternalServerError.
    app.register_error_handler(HTTPException, handle_http_error)
