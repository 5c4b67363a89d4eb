"""Assemble the site from the layered config: apps on the tree, plugins and listeners on the bus."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cherrypy
from cherrypy.lib import profiler

from . import admin, api, listeners, pages
from . import tools as _tools  # noqa: F401  (registers cherrypy.tools.request_id and .timing)
from .plugins import Autosave, ItemStore

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass
class Site:
    """What ``build`` put on ``cherrypy.tree`` and ``cherrypy.engine``."""

    store: ItemStore
    autosave: Autosave | None
    site_app: cherrypy.Application
    api_app: cherrypy.Application
    listeners: list[listeners.Listener] = field(default_factory=list)

    def describe_listeners(self) -> list[str]:
        return [f"main {cherrypy.server.base()}", *(str(server) for server in self.listeners)]

    def unsubscribe(self) -> None:
        """Take this site's plugins and listeners off the bus (tests build several sites)."""
        for plugin in (self.store, self.autosave, *self.listeners):
            if plugin is not None:
                plugin.unsubscribe()


def enable_profiler(app: cherrypy.Application, path: str, aggregate: bool) -> None:
    """Wrap the app in cherrypy.lib.profiler's WSGI middleware through its ``wsgi`` config."""
    app.merge(
        {
            "/": {
                "wsgi.pipeline": [("profiler", profiler.make_app)],
                "wsgi.profiler.path": path,
                "wsgi.profiler.aggregate": aggregate,
            }
        }
    )


def keep_access_log_off_screen() -> None:
    """``log.screen`` writes errors to stderr and access lines to stdout: keep the errors only.

    Removes the plain stream handlers of the access log; a ``log.access_file`` (a FileHandler)
    stays. ``log.screen = True`` adds the screen handler back on the next config load.
    """
    access_log = cherrypy.log.access_log
    for handler in list(access_log.handlers):
        if type(handler) is logging.StreamHandler:
            access_log.removeHandler(handler)


def build(config_files: Sequence[Path] = ()) -> Site:
    """Mount the apps and subscribe the plugins and listeners, from ``cherrypy.config``."""
    conf = cherrypy.config
    cherrypy.log.error_log.setLevel(getattr(logging, conf.get("app.log_level", "INFO")))
    if not conf.get("app.screen_access_log", True):
        keep_access_log_off_screen()

    store = ItemStore(cherrypy.engine, conf.get("app.store_file"))
    store.subscribe()
    autosave = None
    if store.path and conf.get("app.autosave_interval", 0) > 0:
        autosave = Autosave(cherrypy.engine, store, conf["app.autosave_interval"])
        autosave.subscribe()

    # Like cherrypy.quickstart: the config files' path sections are the site's app config.
    site_app = cherrypy.tree.mount(
        pages.Root(store), "", {"/": {"tools.staticdir.root": str(PACKAGE_DIR)}}
    )
    for path in config_files:
        site_app.merge(str(path))
    api_app = cherrypy.tree.mount(api.ItemsAPI(store), "/api/items", api.APP_CONFIG)
    site = Site(store, autosave, site_app, api_app)

    profile_path = None
    if conf.get("profiling.on"):
        profile_path = str(Path(conf.get("profiling.path") or "profile").resolve())
        for app in (site_app, api_app):
            enable_profiler(app, profile_path, bool(conf.get("profiling.aggregate")))

    admin_root = admin.AdminRoot(store, site.describe_listeners, autosave, profile_path)
    site.listeners = listeners.from_config(conf, admin.make_tree(admin_root))
    return site
