"""The HTML home page, the health check and the 404 (HTML for browsers, JSON otherwise)."""

from __future__ import annotations

from .. import DESCRIPTION, PROJECT_NAME
from .base import ApiError, BaseHandler, JsonHandler


class IndexHandler(BaseHandler):
    def get(self) -> None:
        # Tornado templates autoescape expressions by default.
        self.render("index.html", project_name=PROJECT_NAME, description=DESCRIPTION)

    def head(self) -> None:
        # Tornado answers HEAD with the headers of GET (Content-Length included), without a body.
        self.get()


class HealthHandler(JsonHandler):
    """200 while serving; 503 once shutdown has begun, so a load balancer stops sending."""

    def get(self) -> None:
        if self.settings["draining"].is_set():
            self.set_status(503)
            self.finish({"status": "stopping"})
            return
        self.finish({"status": "ok"})

    def head(self) -> None:
        self.get()


class NotFoundHandler(JsonHandler):
    """The application's ``default_handler_class``: unknown paths get a 404."""

    def prepare(self) -> None:
        raise ApiError(404, f"no such resource: {self.request.path}")
