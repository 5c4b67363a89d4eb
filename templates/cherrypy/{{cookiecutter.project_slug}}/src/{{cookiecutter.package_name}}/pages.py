"""The HTML site: a tree of exposed objects, rendered by Jinja2 templates (autoescaped).

``/`` -> ``Root.index``, ``/health`` -> ``Root.health``, ``/items/`` -> ``ItemPages.index``,
``/items/add`` -> ``ItemPages.add`` (the form), ``/items/3`` -> ``ItemPages.default("3")``.
``/static/`` is served by the staticdir tool (the ``[/static]`` section of common.conf).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any, ClassVar

import cherrypy
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select

from . import DESCRIPTION, PROJECT_NAME, __version__
from .models import MAX_TITLE_LENGTH, Item, parse_id

templates = Environment(
    loader=PackageLoader(__package__),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.globals.update(
    project_name=PROJECT_NAME, description=DESCRIPTION, max_title_length=MAX_TITLE_LENGTH
)


def render(name: str, **context: Any) -> str:
    # The CherryPy version in the footer helps in development; production names no software.
    advertised = cherrypy.config.get("environment") != "production"
    server = f"CherryPy {cherrypy.__version__}" if advertised else None
    return templates.get_template(name).render(server=server, **context)


def error_page(status: str, message: str, traceback: str, version: str) -> str:
    """The site's own error page: CherryPy's uses inline styles, which the CSP blocks."""
    return render("error.html", status=status, message=message, traceback=traceback)


def csrf_token() -> str:
    """The session's token for its forms: another site cannot read it, so cannot post it."""
    session = cherrypy.session
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return str(session["csrf_token"])


def check_csrf(token: str | None) -> None:
    expected = cherrypy.session.get("csrf_token")
    if not (token and expected and hmac.compare_digest(token, expected)):
        raise cherrypy.HTTPError(403, "The form expired or came from another site: try again.")


class ItemPages:
    """``/items/``: the items, with a form to add one; a flash message says it was added."""

    # Sessions only here, so the other pages set no cookie. FileSession: a restart keeps them.
    _cp_config: ClassVar[dict[str, Any]] = {
        "tools.sessions.on": True,
        "tools.sessions.httponly": True,
        "tools.samesite.on": True,
        "tools.db.on": True,
    }

    @cherrypy.expose
    def index(self, **_tracking: str) -> str:
        items = cherrypy.request.db.scalars(select(Item).order_by(Item.id))
        flash = cherrypy.session.pop("flash", None)
        return render("items.html", items=list(items), flash=flash, csrf_token=csrf_token())

    @cherrypy.expose
    @cherrypy.config(**{"tools.allow.methods": ["POST"]})
    def add(self, title: str = "", csrf_token: str | None = None) -> str:
        check_csrf(csrf_token)
        title = title.strip()
        if not title or len(title) > MAX_TITLE_LENGTH:
            cherrypy.response.status = 422
            error = f"A title has 1 to {MAX_TITLE_LENGTH} characters."
            items = cherrypy.request.db.scalars(select(Item).order_by(Item.id))
            return render(
                "items.html", items=list(items), error=error, title=title, csrf_token=csrf_token
            )
        item = Item(title=title)
        cherrypy.request.db.add(item)
        cherrypy.session["flash"] = f"Added “{title}”."
        # 303: the browser follows with a GET, so reloading the list does not post again.
        raise cherrypy.HTTPRedirect("/items/", 303)

    @cherrypy.expose
    def default(self, item_id: str, **_tracking: str) -> str:
        number = parse_id(item_id)
        item = cherrypy.request.db.get(Item, number) if number is not None else None
        if item is None:
            raise cherrypy.NotFound()
        return render("item.html", item=item)


class Root:
    """``/``: the home page and the health check."""

    # The site only reads, but for the form: other methods are 405 with an Allow header, on
    # every page below ``/`` too (``_cp_config`` applies to the subtree), static files included.
    _cp_config: ClassVar[dict[str, Any]] = {
        "tools.allow.on": True,
        "tools.allow.methods": ["GET", "HEAD"],
        "error_page.default": error_page,
    }

    def __init__(self) -> None:
        self.items = ItemPages()

    # Links from newsletters and ads carry query strings (utm_source=...): the page ignores them.
    @cherrypy.expose
    def index(self, **_tracking: str) -> str:
        return render("index.html", version=__version__)

    # Load balancers poll this: no gzip tool here, which would only parse Accept-Encoding and add
    # a Vary header (it never compresses JSON, whose type is not in its ``mime_types``).
    @cherrypy.expose
    @cherrypy.config(**{"tools.gzip.on": False})
    @cherrypy.tools.json_out()
    def health(self, **_ignored: str) -> dict[str, Any]:
        return {"status": "ok"}
