"""The internal admin app, served only by the admin listener (see listeners.py).

It lives in its own ``cherrypy._cptree.Tree``, not in ``cherrypy.tree``, so no public listener
can route to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import cherrypy
from cherrypy.lib import profiler
from sqlalchemy import func, select

from .models import Item


class AdminRoot:
    """``/``: a JSON status report; ``/profiler/`` browses profiles when profiling is on."""

    def __init__(self, listeners: Callable[[], list[str]], profile_path: str | None = None) -> None:
        self.listeners = listeners
        self.started = time.monotonic()
        if profile_path:
            self.profiler = profiler.Profiler(profile_path)

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def index(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "engine": str(cherrypy.engine.state),
            "uptime_seconds": round(time.monotonic() - self.started, 1),
            "items": cherrypy.request.db.scalar(select(func.count()).select_from(Item)),
            "listeners": self.listeners(),
        }


# cherrypy.lib.profiler's browser is a frameset of its own pages: let it frame itself.
# tools.response_headers runs after tools.security_headers and replaces these two.
NO_STORE = ("Cache-Control", "no-store")
PROFILER_HEADERS = [
    NO_STORE,
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'"),
]


def make_tree(root: AdminRoot) -> cherrypy._cptree.Tree:
    tree = cherrypy._cptree.Tree()
    tree.mount(
        root,
        "",
        {
            "/": {
                "tools.allow.on": True,
                "tools.db.on": True,
                "tools.response_headers.on": True,
                "tools.response_headers.headers": [NO_STORE],
            },
            "/profiler": {"tools.response_headers.headers": PROFILER_HEADERS},
        },
    )
    return tree
