"""Assemble the site from the layered config: apps on the tree, plugins and listeners on the bus."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import cherrypy
from cherrypy.lib import profiler, sessions

from . import admin, api, listeners, pages, settings
from . import tools as _tools  # noqa: F401  (registers the custom tools on cherrypy.tools)
from .configuration import Configuration
from .database import Database
from .lifecycle import StopDeadline, check_for_stop_often

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass
class Site:
    """What ``build`` put on ``cherrypy.tree`` and ``cherrypy.engine``."""

    database: Database
    site_app: cherrypy.Application
    api_app: cherrypy.Application
    deadline: StopDeadline
    listeners: list[listeners.Listener] = field(default_factory=list)

    def describe_listeners(self) -> list[str]:
        return [f"main {cherrypy.server.base()}", *(str(server) for server in self.listeners)]

    def addresses(self) -> list[tuple[str, str, int]]:
        """(variable, host, port) of every listener, for ``lifecycle.check_ports``."""
        variables = {"admin": "ADMIN_PORT", "https": "HTTPS_PORT"}
        main = ("PORT", cherrypy.server.socket_host, cherrypy.server.socket_port)
        return [main, *((variables[s.name], *s.bind_addr) for s in self.listeners)]

    def unsubscribe(self) -> None:
        """Take this site's plugins and listeners off the bus (tests build several sites)."""
        plugins: list[Database | StopDeadline | listeners.Listener]
        plugins = [self.database, self.deadline, *self.listeners]
        for plugin in plugins:
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


def sessions_dir() -> Path:
    """CherryPy's FileSession folder, so sessions survive a restart.

    A relative ``app.sessions_dir`` is under the project's checkout, or under the working
    directory when the package is installed (a Docker image: /app, whose var/ is a volume).
    """
    checkout = (settings.PROJECT_ROOT / "pyproject.toml").is_file()
    base = settings.PROJECT_ROOT if checkout else Path.cwd()
    path = base / cherrypy.config.get("app.sessions_dir", "var/sessions")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise settings.ConfigError(
            f"app.sessions_dir: cannot create {path} ({error.strerror or error})"
        ) from None
    return path


def stop_deadline() -> float:
    """``app.stop_deadline``: seconds from SIGTERM (or Ctrl-C, SIGHUP) to the exit."""
    value = cherrypy.config.get("app.stop_deadline")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise settings.ConfigError(f"app.stop_deadline must be seconds above 0, not {value!r}")
    return float(value)


def build(config: Configuration) -> Site:
    """Mount the apps and subscribe the plugins and listeners, from ``cherrypy.config``."""
    conf = cherrypy.config
    cherrypy.log.error_log.setLevel(getattr(logging, conf.get("app.log_level", "INFO")))
    if not conf.get("app.screen_access_log", True):
        keep_access_log_off_screen()
    check_for_stop_often()

    database = Database(cherrypy.engine, config.database_url)
    database.subscribe()
    deadline = StopDeadline(cherrypy.engine, stop_deadline())
    deadline.subscribe()

    # Like cherrypy.quickstart: the config files' path sections are the site's app config.
    site_app = cherrypy.tree.mount(
        pages.Root(),
        "",
        {
            "/": {
                "tools.staticdir.root": str(PACKAGE_DIR),
                "tools.staticfile.root": str(PACKAGE_DIR),
            },
            "/items": {
                "tools.sessions.storage_class": sessions.FileSession,
                "tools.sessions.storage_path": str(sessions_dir()),
            },
        },
    )
    for sections in config.site_sections:
        site_app.merge(sections)
    api_app = cherrypy.tree.mount(api.ItemsAPI(), "/api/items", api.APP_CONFIG)
    api_root = cherrypy.tree.mount(api.APIRoot(), "/api", api.ROOT_CONFIG)
    # The deployer's file reaches every app.
    for app in (site_app, api_app, api_root):
        app.merge(config.deployer_sections)
    site = Site(database, site_app, api_app, deadline)

    profile_path = None
    if conf.get("profiling.on"):
        profile_path = str(Path(conf.get("profiling.path") or "profile").resolve())
        for app in (site_app, api_app, api_root):
            enable_profiler(app, profile_path, bool(conf.get("profiling.aggregate")))

    admin_root = admin.AdminRoot(site.describe_listeners, profile_path)
    site.listeners = listeners.from_config(conf, admin.make_tree(admin_root))
    return site
