"""The HTML site: a tree of exposed objects. URL segments map to attributes and methods.

``/`` -> ``Root.index``, ``/health`` -> ``Root.health``, ``/items/`` -> ``ItemPages.index``,
``/items/3`` -> ``ItemPages.default("3")``. ``/static/`` is served by the staticdir tool
(see the ``[/static]`` section of the config files).
"""

from __future__ import annotations

from html import escape
from typing import Any, ClassVar

import cherrypy

from . import PROJECT_NAME, __version__
from .plugins import ItemStore


def page(title: str, body: str) -> str:
    """A complete HTML document; ``title`` is escaped here, ``body`` must be already."""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/style.css"></head>\n'
        f"<body>\n{body}\n</body></html>\n"
    )


class ItemPages:
    """``/items/``: the items of the REST API, read-only, as HTML."""

    def __init__(self, store: ItemStore) -> None:
        self.store = store

    @cherrypy.expose
    def index(self) -> str:
        rows = "".join(
            f'<li><a href="/items/{item["id"]}">{escape(item["title"])}</a></li>'
            for item in self.store.items()
        )
        listing = f"<ul>{rows}</ul>" if rows else "<p>No items yet: POST some to /api/items.</p>"
        return page("Items", f"<h1>Items</h1>\n{listing}")

    @cherrypy.expose
    def default(self, item_id: str) -> str:
        item = self.store.get(int(item_id)) if item_id.isdigit() else None
        if item is None:
            raise cherrypy.NotFound()
        state = "done" if item["done"] else "to do"
        return page(item["title"], f"<h1>{escape(item['title'])}</h1>\n<p>{state}</p>")


class Root:
    """``/``: the home page and the health check."""

    # The site only reads: other methods are 405 with an Allow header, on every page below
    # ``/`` too (``_cp_config`` applies to the object's whole subtree), static files included.
    _cp_config: ClassVar[dict[str, Any]] = {
        "tools.allow.on": True,
        "tools.allow.methods": ["GET", "HEAD"],
    }

    def __init__(self, store: ItemStore) -> None:
        self.items = ItemPages(store)

    @cherrypy.expose
    def index(self) -> str:
        name = escape(PROJECT_NAME)
        return page(
            PROJECT_NAME,
            f"<h1>{name}</h1>\n"
            f"<p>Version {escape(__version__)}, served by CherryPy {escape(cherrypy.__version__)}."
            "</p>\n"
            '<ul><li><a href="/items/">Items</a></li>'
            '<li><a href="/api/items">The items as JSON</a></li>'
            '<li><a href="/health">Health check</a></li></ul>',
        )

    # Load balancers poll this: no gzip tool here, which would only parse Accept-Encoding and add
    # a Vary header (it never compresses JSON, whose type is not in its ``mime_types``).
    @cherrypy.expose
    @cherrypy.config(**{"tools.gzip.on": False})
    @cherrypy.tools.json_out()
    def health(self) -> dict[str, Any]:
        return {"status": "ok"}
