"""Shared test helpers: plain HTTP calls and ``SiteCase``.

``SiteCase`` is CherryPy's own ``CPWebCase``: each test class starts the real engine and HTTP
server in this process, so requests go through real sockets, tools, plugins and error pages.
"""

from __future__ import annotations

import http.client
import json
import ssl
from typing import Any, ClassVar

import cherrypy
from cherrypy.test import helper
from live_server import find_free_port

from {{ cookiecutter.package_name }} import configuration, settings, site

TEST_SECRET = "test-secret-not-for-production"


def environ(**values: str) -> dict[str, str]:
    """Prefixed environment variables from unprefixed names."""
    return {settings.env_var(name): value for name, value in values.items()}


def request(
    port: int,
    path: str,
    method: str = "GET",
    context: ssl.SSLContext | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request to 127.0.0.1 on any listener (CPWebCase talks to the main one only)."""
    if context is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    else:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


class SiteCase(helper.CPWebCase):
    """CPWebCase serving this project's site, configured exactly as ``main()`` does.

    Subclasses pick ``environment`` and add prefixed ``settings`` (names without the prefix),
    which go through the same layering as in production.
    """

    interactive = False  # fail, rather than prompt on the terminal, when an assertion fails
    environment: ClassVar[str] = "testing"
    settings: ClassVar[dict[str, str]] = {}
    built: ClassVar[site.Site]

    @classmethod
    def _setup_server(cls, supervisor: Any, conf: Any) -> dict[str, Any]:
        baseconf = super()._setup_server(supervisor, conf)
        baseconf["server.socket_port"] = find_free_port()  # CPWebCase's fixed port may be taken
        return baseconf

    @classmethod
    def setup_server(cls) -> None:
        variables = {
            "HOST": "127.0.0.1",
            "PORT": str(cherrypy.server.socket_port),
            "SECRET_KEY": TEST_SECRET,
            **cls.settings,
        }
        files = configuration.load(cls.environment, environ(**variables))
        cls.built = site.build(files)

    @classmethod
    def teardown_class(cls) -> None:
        super().teardown_class()
        cls.built.unsubscribe()

    def json(self) -> Any:
        return json.loads(self.body)

    def send_json(self, url: str, method: str, document: Any) -> None:
        text = document if isinstance(document, str) else json.dumps(document)
        body = text.encode("utf-8")
        self.getPage(
            url,
            method=method,
            body=body,
            headers=[("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
