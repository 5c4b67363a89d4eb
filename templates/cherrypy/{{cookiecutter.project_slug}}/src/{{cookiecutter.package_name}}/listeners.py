"""Extra HTTP servers beside ``cherrypy.server``, declared in config, run by the engine bus.

Each is a cheroot WSGI server wrapped in ``cherrypy.process.servers.ServerAdapter``, CherryPy's
documented way to run more than one server: subscribed to ``cherrypy.engine``, it starts and
stops with everything else. The ``admin.*`` keys declare a listener for the internal admin app,
the ``https.*`` keys an HTTPS listener for the site; both take the main server's limits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import cheroot.wsgi
import cherrypy
from cheroot.ssl.builtin import BuiltinSSLAdapter
from cherrypy.process.servers import ServerAdapter

WSGIApp = Callable[..., Any]


class Listener(ServerAdapter):
    """A ServerAdapter with a name, for logs and the admin report."""

    def __init__(self, name: str, httpserver: cheroot.wsgi.Server) -> None:
        super().__init__(cherrypy.engine, httpserver, httpserver.bind_addr)
        self.name = name

    def __str__(self) -> str:
        host, port = self.bind_addr
        scheme = "https" if self.httpserver.ssl_adapter else "http"
        return f"{self.name} {scheme}://{host}:{port}"


def make_server(host: str, port: int, app: WSGIApp) -> cheroot.wsgi.Server:
    """A cheroot server with the main server's settings (``server.*`` in config)."""
    main = cherrypy.server
    server = cheroot.wsgi.Server(
        (host, port),
        app,
        numthreads=main.thread_pool,
        request_queue_size=main.socket_queue_size,
        timeout=main.socket_timeout,
        shutdown_timeout=main.shutdown_timeout,
    )
    server.max_request_header_size = main.max_request_header_size or 0
    server.max_request_body_size = main.max_request_body_size or 0
    return server


def from_config(conf: Mapping[str, Any], admin_app: WSGIApp) -> list[Listener]:
    """Subscribe the listeners the config declares; a port of 0 turns one off."""
    listeners = []
    if conf.get("admin.socket_port"):
        host = conf.get("admin.socket_host") or "127.0.0.1"
        server = make_server(host, conf["admin.socket_port"], admin_app)
        listeners.append(Listener("admin", server))
    certificate, private_key = conf.get("https.ssl_certificate"), conf.get("https.ssl_private_key")
    if conf.get("https.socket_port") and certificate and private_key:
        host = conf.get("https.socket_host") or conf.get("server.socket_host", "127.0.0.1")
        server = make_server(host, conf["https.socket_port"], cherrypy.tree)
        server.ssl_adapter = BuiltinSSLAdapter(certificate, private_key)
        listeners.append(Listener("https", server))
    for listener in listeners:
        listener.subscribe()
    return listeners
