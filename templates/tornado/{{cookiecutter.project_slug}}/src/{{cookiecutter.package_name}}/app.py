"""The application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tornado.web
from tornado.httputil import HTTPServerRequest
from tornado.options import OptionParser
from tornado.web import url

from .feed import MessageFeed
from .handlers.base import OversizedRequestHandler, StaticHandler, oversized_status
from .handlers.messages import FeedSocketHandler, FeedStatsHandler, MessagesHandler, UpdatesHandler
from .handlers.pages import HealthHandler, IndexHandler, NotFoundHandler
from .handlers.upstream import UpstreamHandler
from .upstream import Upstream, configure_client

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates"
STATIC_PATH = Path(__file__).resolve().parent / "static"
# WebSocket pings find clients that vanished without closing (no FIN), so they are dropped too.
WEBSOCKET_PING_SECONDS = 30.0


class Application(tornado.web.Application):
    """A tornado Application that keeps the feed, so the server can close it on shutdown."""

    def __init__(self, feed: MessageFeed, handlers: list[Any], **settings: Any) -> None:
        super().__init__(handlers, **settings)
        self.feed = feed

    def find_handler(self, request: HTTPServerRequest, **kwargs: Any) -> Any:
        """Route a request over the application's size limits to a 414 or 431, whatever its
        path: before routing, so pages, the API, static files, the WebSocket and the 404 alike."""
        status = oversized_status(request)
        if status is not None:
            return self.get_handler_delegate(request, OversizedRequestHandler, {"status": status})
        return super().find_handler(request, **kwargs)

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """With the ``access_log`` setting off, only failed requests (4xx, 5xx: tornado logs them
        at WARNING and ERROR) reach ``tornado.access``; skipped early, a success costs nothing."""
        if handler.get_status() < 400 and not self.settings.get("access_log", True):
            return
        super().log_request(handler)


def make_app(options: OptionParser, **overrides: Any) -> Application:
    """Build the application from layered options; ``overrides`` replace application settings."""
    feed = MessageFeed(history=options.history, max_waiters=options.max_waiters)
    upstream = None
    if options.upstream_url:
        upstream = Upstream(
            options.upstream_url,
            connect_timeout=options.upstream_connect_timeout,
            request_timeout=options.upstream_request_timeout,
        )
    configure_client(options.max_clients)
    handlers = [
        url(r"/", IndexHandler, name="index"),
        url(r"/health", HealthHandler, name="health"),
        url(r"/api/feed", FeedStatsHandler, {"feed": feed}, name="feed"),
        url(r"/api/messages", MessagesHandler, {"feed": feed}, name="messages"),
        url(
            r"/api/messages/updates",
            UpdatesHandler,
            {"feed": feed, "timeout": options.poll_timeout},
            name="updates",
        ),
        url(r"/api/messages/socket", FeedSocketHandler, {"feed": feed}, name="socket"),
        url(r"/api/upstream", UpstreamHandler, {"upstream": upstream}, name="upstream"),
    ]
    settings: dict[str, Any] = {
        # debug=True turns on autoreload, serve_traceback and turns off template caching.
        "debug": options.debug,
        # Read by Application.log_request: off, successful requests are not logged.
        "access_log": options.access_log,
        "cookie_secret": options.secret_key,
        "template_path": str(TEMPLATE_PATH),
        # Served at /static/; static_url() in templates adds a version hash for caching.
        "static_path": str(STATIC_PATH),
        "static_handler_class": StaticHandler,
        # Read by JsonBodyHandler, and by the server for every other route.
        "max_body_size": options.max_body_size,
        # Read by the server only (server_options).
        "max_header_size": options.max_header_size,
        "default_handler_class": NotFoundHandler,
        # Refuse state-changing requests from other sites' pages (Tornado 6.6+).
        "cross_origin_protection": True,
        "websocket_ping_interval": WEBSOCKET_PING_SECONDS,
    }
    settings.update(overrides)
    return Application(feed, handlers, **settings)
