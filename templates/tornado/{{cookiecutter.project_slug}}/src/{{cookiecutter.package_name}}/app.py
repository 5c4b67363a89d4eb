"""The application factory."""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path
from typing import Any

import tornado.web
from tornado.httputil import HTTPServerRequest
from tornado.log import access_log
from tornado.options import OptionParser
from tornado.web import RequestHandler, url

from . import database
from .broker import Broker, LocalBroker, RedisBroker
from .feed import Feed
from .handlers.base import OversizedRequestHandler, StaticHandler, oversized_status
from .handlers.messages import (
    FeedSocketHandler,
    FeedStatsHandler,
    MessageHandler,
    MessagesHandler,
    UpdatesHandler,
)
from .handlers.pages import HealthHandler, IndexHandler, NotFoundHandler
from .handlers.upstream import UpstreamHandler
from .security_headers import load_policy
from .settings import check_database_url
from .store import MessageStore
from .upstream import Upstream, configure_client

TEMPLATE_PATH = Path(__file__).resolve().parent / "templates"
STATIC_PATH = Path(__file__).resolve().parent / "static"
# WebSocket pings find clients that vanished without closing (no FIN), so they are dropped too.
WEBSOCKET_PING_SECONDS = 30.0
CLIENT_CLOSED_REQUEST = 499


class Application(tornado.web.Application):
    """A tornado Application that keeps the feed, so the server can start and stop it."""

    def __init__(self, feed: Feed, handlers: list[Any], **settings: Any) -> None:
        super().__init__(handlers, **settings)
        self.feed = feed

    def find_handler(self, request: HTTPServerRequest, **kwargs: Any) -> Any:
        """Route a request over the application's size limits to a 414 or 431, whatever its
        path: before routing, so pages, the API, static files, the WebSocket and the 404 alike."""
        status = oversized_status(request)
        if status is not None:
            return self.get_handler_delegate(request, OversizedRequestHandler, {"status": status})
        return super().find_handler(request, **kwargs)


def log_request(handler: RequestHandler) -> None:
    """The ``log_function`` setting: like Tornado's, but a client that left (499) is not a
    warning, and with ``access_log`` off only failures (4xx at WARNING, 5xx at ERROR) are logged."""
    status = handler.get_status()
    if status < 400 or status == CLIENT_CLOSED_REQUEST:
        if not handler.settings["access_log"]:
            return
        log = access_log.info
    else:
        log = access_log.warning if status < 500 else access_log.error
    request = handler.request
    milliseconds = 1000.0 * request.request_time()
    log(
        "%d %s %s (%s) %.2fms", status, request.method, request.uri, request.remote_ip, milliseconds
    )


def make_broker(options: OptionParser) -> Broker:
    return RedisBroker(options.redis_url) if options.redis_url else LocalBroker()


def make_app(options: OptionParser, **overrides: Any) -> Application:
    """Build the application from layered options; ``overrides`` replace application settings.
    The feed is started by ``await app.feed.start()`` in the event loop that serves it."""
    engine = database.create_engine(check_database_url(options.database_url))
    feed = Feed(MessageStore(engine), make_broker(options), options.history, options.max_waiters)
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
        url(r"/api/messages/([0-9]{1,18})", MessageHandler, {"feed": feed}, name="message"),
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
        "access_log": options.access_log,
        "log_function": log_request,
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
        "websocket_max_message_size": options.max_body_size,
        # Read by the server's graceful stop: requests not answered yet, and whether it began.
        "in_flight": weakref.WeakSet(),
        "draining": asyncio.Event(),
        # Behind a reverse proxy: the client's address from X-Real-Ip / X-Forwarded-For.
        "xheaders": options.xheaders,
        # The security headers every handler sends (handlers/base.py); checked once, here.
        "security_policy": load_policy(),
        "trusted_downstream": [
            address.strip() for address in options.trusted_downstream.split(",") if address.strip()
        ],
    }
    settings.update(overrides)
    return Application(feed, handlers, **settings)
