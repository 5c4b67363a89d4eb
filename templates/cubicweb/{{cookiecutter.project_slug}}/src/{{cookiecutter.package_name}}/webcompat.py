"""Adjustments to cubicweb-web's UI: thread-safe page loads, valid HTML, flags on its tab cookie.

cubicweb-web 1.6 (``bwcompat.py``) builds a log line on every page request with
``inspect.getsourcelines(controller class)``, whether or not it is logged. For a class, ``inspect``
parses the controller's whole module with ``ast`` each time: CPU spent for nothing, and on
CPython 3.11 ``ast`` is not safe across threads, so concurrent requests in waitress' threads
sometimes fail with ``SystemError: AST constructor recursion depth mismatch``. The answer does
not change while the process runs: compute it once per class, under a lock.
"""

from __future__ import annotations

import functools
import inspect
import threading
import types

from cubicweb_web import bwcompat
from cubicweb_web import view as cubicweb_web_view
from cubicweb_web.utils import HTMLStream
from pyramid.config import Configurator
from pyramid.events import NewResponse
from pyramid.settings import asbool

from .sessions import SECURE_SETTING

# cubicweb-web's tabbed views remember the open tab in "<instance>_active_tab"; its JavaScript
# sets the same cookie on a click, so it cannot be HttpOnly.
TAB_COOKIE_SUFFIX = "_active_tab"


def is_tab_cookie(set_cookie: str) -> bool:
    return set_cookie.split("=", 1)[0].strip().endswith(TAB_COOKIE_SUFFIX)


_lock = threading.Lock()


@functools.cache
def _source_lines(cls: type) -> tuple[list[str], int]:
    return inspect.getsourcelines(cls)


def source_lines(cls: type) -> tuple[list[str], int]:
    with _lock:  # one parse per class, never two at once
        return _source_lines(cls)


class HTML5Stream(HTMLStream):
    """Pages without the XHTML-era ``xmlns:cubicweb`` on ``<html>``, which HTML forbids (the
    Nu HTML checker's one error on the index). Its ``cubicweb:*`` attributes need no
    declaration in HTML: the JavaScript reads them by name."""

    @property
    def htmltag(self) -> str:
        return super().htmltag.replace(' xmlns:cubicweb="http://www.cubicweb.org"', "", 1)


def tab_cookie_flags(event: NewResponse) -> None:
    """SameSite (and Secure when cookies are) on the tab cookie, which cubicweb-web sets bare."""
    headers = event.response.headers
    cookies = headers.getall("Set-Cookie")
    if not any(is_tab_cookie(cookie) for cookie in cookies):
        return
    secure = asbool(event.request.registry.settings.get(SECURE_SETTING, False))
    flags = "; SameSite=Lax" + ("; Secure" if secure else "")
    del headers["Set-Cookie"]
    for cookie in cookies:
        bare = is_tab_cookie(cookie) and "samesite" not in cookie.lower()
        headers.add("Set-Cookie", cookie + flags if bare else cookie)


def includeme(config: Configurator) -> None:
    # Only bwcompat's own name for the module is replaced, not the inspect module itself.
    bwcompat.inspect = types.SimpleNamespace(
        getsourcefile=inspect.getsourcefile, getsourcelines=source_lines
    )
    # The stream cubicweb-web's views write pages into (the name its module looks up).
    cubicweb_web_view.HTMLStream = HTML5Stream
    config.add_subscriber(tab_cookie_flags, NewResponse)
