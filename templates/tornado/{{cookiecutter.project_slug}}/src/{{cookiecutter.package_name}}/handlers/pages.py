"""The HTML home page, the health check and the JSON 404."""

from __future__ import annotations

from tornado.web import RequestHandler

from .. import DESCRIPTION, PROJECT_NAME
from .base import ApiError, JsonHandler


class IndexHandler(RequestHandler):
    def get(self) -> None:
        # Tornado templates autoescape expressions by default.
        self.render("index.html", project_name=PROJECT_NAME, description=DESCRIPTION)


class HealthHandler(JsonHandler):
    def get(self) -> None:
        self.finish({"status": "ok"})


class NotFoundHandler(JsonHandler):
    """The application's ``default_handler_class``: unknown paths get a JSON 404."""

    def prepare(self) -> None:
        raise ApiError(404, f"no such resource: {self.request.path}")
