"""Extra HTTP servers beside ``cherrypy.server``, declared in config, run by the engine bus.

Each one is a ``cherrypy._cpserver.Server`` subscribed to ``cherrypy.engine``: the engine
starts and stops it with everything else. The ``admin.*`` keys declare a listener for the
internal admin app, the ``https.*`` keys an HTTPS listener for the site. Key names after the
namespace are ``Server`` attributes, as in CherryPy's own ``server.*`` namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import cherrypy
from cherrypy import _cpserver

WSGIApp = Callable[..., Any]


class Listener(_cpserver.Server):
    """A server adapter that can serve its own WSGI app instead of ``cherrypy.tree``."""

    def __init__(self, name: str, wsgi_app: WSGIApp | None = None) -> None:
        super().__init__()
        self.name = name
        self.wsgi_app = wsgi_app

    def httpserver_from_self(self, httpserver: Any = None) -> tuple[Any, Any]:
        httpserver, bind_addr = super().httpserver_from_self(httpserver)
        if self.wsgi_app is not None:
            httpserver.wsgi_app = self.wsgi_app
        return httpserver, bind_addr

    def __str__(self) -> str:
        return f"{self.name} {self.base()}"


def namespace(conf: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``{"socket_port": 8001}`` from ``{"admin.socket_port": 8001}``."""
    prefix = name + "."
    return {key[len(prefix) :]: value for key, value in conf.items() if key.startswith(prefix)}


def make_listener(name: str, wsgi_app: WSGIApp | None, **attributes: Any) -> Listener:
    listener = Listener(name, wsgi_app)
    # Stop as fast as the main server, so SIGTERM finishes within its deadline.
    listener.shutdown_timeout = cherrypy.server.shutdown_timeout
    # The same request size limits as the main server (``server.max_request_*`` in config).
    listener.max_request_body_size = cherrypy.server.max_request_body_size
    listener.max_request_header_size = cherrypy.server.max_request_header_size
    # And its listen backlog (``server.socket_queue_size``): the HTTPS one takes the same bursts.
    listener.socket_queue_size = cherrypy.server.socket_queue_size
    for attribute, value in attributes.items():
        setattr(listener, attribute, value)
    listener.subscribe()
    return listener


def from_config(conf: Mapping[str, Any], admin_app: WSGIApp) -> list[Listener]:
    """Subscribe the listeners the config declares; a port of 0 or None turns one off."""
    listeners = []
    admin = namespace(conf, "admin")
    if admin.get("socket_port"):
        admin.setdefault("socket_host", "127.0.0.1")
        listeners.append(make_listener("admin", admin_app, **admin))
    https = namespace(conf, "https")
    if https.get("socket_port") and https.get("ssl_certificate") and https.get("ssl_private_key"):
        https.setdefault("socket_host", conf.get("server.socket_host", "127.0.0.1"))
        https.setdefault("ssl_module", "builtin")
        listeners.append(make_listener("https", None, **https))
    return listeners
