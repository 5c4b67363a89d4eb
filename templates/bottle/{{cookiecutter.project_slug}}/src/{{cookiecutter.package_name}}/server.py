"""Running the app: Bottle's own server with its reloader in development, a production server
(waitress by default) otherwise, and ``wsgi_app()`` for any other WSGI server."""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIServer

import bottle

from . import database, settings
from .app import PACKAGE_DIR, create_app
from .config import RELOAD_INTERVAL_SECONDS
from .security import MULTIPART_OVERHEAD_BYTES
from .security_headers import SecurityPolicy

DISTRIBUTION = "{{ cookiecutter.project_slug }}"
# The request line and headers together; waitress answers 431 above it. Its own default: 256 KiB.
MAX_HEADER_BYTES = 64 * 1024
# Waitress reads a whole body before it calls the app, which then checks its size. A body this
# many times larger than the app's limit is refused by waitress itself, before it is buffered.
SERVER_BODY_FACTOR = 4
# What the reloader's supervisor watches for a change after the server failed to start.
WATCHED = ("*.py", "*.ini", "*.sql")


def migrate(path: Path) -> list[str]:
    try:
        return database.migrate(path)
    except (sqlite3.Error, OSError) as error:
        raise settings.ConfigError(
            f"{settings.env_var('DATABASE_URL')}: cannot migrate {path} ({error})"
        ) from None


def wsgi_app(environment: str | None = None) -> bottle.Bottle:
    """The app as a server should run it: settings checked, logging configured, the database
    migrated (development, testing) or refused while migrations are pending (production).

    For a WSGI server of your own:
    ``gunicorn '{{ cookiecutter.package_name }}.server:wsgi_app()'``.
    """
    app = create_app(environment)
    settings.configure_logging(app.config["app.log_level"])
    path = app.config["app.database_path"]
    if app.config["app.env"] != "production":
        migrate(path)
    elif count := database.pending(path):
        raise settings.pending_migrations_error(count)
    return app


def require_server(name: str) -> str:
    """The adapter name, once its module is known to be importable."""
    if name != "wsgiref" and importlib.util.find_spec(name) is None:
        raise settings.ConfigError(
            f"{settings.env_var('SERVER')} is {name!r} but it is not installed: "
            f"pip install '{DISTRIBUTION}[{name}]'"
        )
    return name


def polling_wsgiref_server(poll_interval: float) -> type[WSGIServer]:
    """wsgiref's server, looking for a stop every ``poll_interval`` seconds (its own: 0.5)."""

    class Server(WSGIServer):
        def serve_forever(self, poll_interval: float = poll_interval) -> None:
            super().serve_forever(poll_interval)

    return Server


def server_options(config: bottle.ConfigDict) -> dict[str, Any]:
    """What the adapter of ``app.server`` needs beyond host and port."""
    server, threads = config["app.server"], config["app.threads"]
    # The proxies whose X-Forwarded-Proto counts (HSTS): the servers must not drop it.
    policy: SecurityPolicy = config["app.security_policy"]
    if server == "waitress":
        body_limit = config["app.max_upload_bytes"] + MULTIPART_OVERHEAD_BYTES
        return {
            "threads": threads,
            "max_request_header_size": MAX_HEADER_BYTES,
            "max_request_body_size": SERVER_BODY_FACTOR * body_limit,
            **policy.waitress_options(),
        }
    if server == "cheroot":
        return {"numthreads": threads}
    if server == "gunicorn":
        # gthread: a client that sends half a request holds one thread, not the whole worker.
        return {
            "workers": config["app.workers"],
            "worker_class": "gthread",
            "threads": threads,
            "graceful_timeout": 3,
            # Since 25.1 gunicorn opens a control socket at one path per user ($HOME/.gunicorn):
            # two servers would share it, and nothing here uses it.
            "control_socket_disable": True,
            "forwarded_allow_ips": policy.forwarded_allow_ips,
        }
    # wsgiref. Bottle's reloader stops its child, to restart it, with a simulated Ctrl-C, which
    # the server notices only between two polls: poll as often as the reloader looks for changes.
    return {"server_class": polling_wsgiref_server(config["app.reload_interval"])}


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM (docker stop, systemd) both raise KeyboardInterrupt, on which every
    adapter stops cleanly. SIGINT is set too because a shell starts background jobs with it
    ignored, and the reloader also stops its child through SIGINT."""
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.default_int_handler)


def source_files() -> dict[Path, float]:
    return {
        path: path.stat().st_mtime for pattern in WATCHED for path in PACKAGE_DIR.rglob(pattern)
    }


def supervise(interval: float = RELOAD_INTERVAL_SECONDS) -> None:
    """The development reloader's parent process, which never serves.

    ``bottle.run(reloader=True)`` starts this program again as a child (``BOTTLE_CHILD`` set)
    that serves, and starts it again when a module changes; but it exits as soon as a child
    fails, e.g. on a syntax error saved in a module. Then wait for the next change of a source
    file and start a child again. ``interval``: seconds between looks, here and in Bottle's
    reloader (``{{ cookiecutter.__env_prefix }}RELOAD_INTERVAL``).
    """
    stop_on_signals()
    # Bottle starts the child as `python -m <package> <sys.argv...>` when this ran with -m, so
    # the path in sys.argv[0] would reach the child as an argument: give it the command alone.
    started_with_m = getattr(sys.modules.get("__main__"), "__package__", None)
    saved_argv, sys.argv = sys.argv, ["serve"] if started_with_m else [sys.argv[0], "serve"]
    try:
        while True:
            try:
                bottle.run(reloader=True, interval=interval)
                return
            except SystemExit as exit_:
                if exit_.code in (0, None):
                    return
                print(
                    f"\nThe server stopped (exit status {exit_.code}): it starts again when a "
                    f"file in {PACKAGE_DIR} changes.",
                    file=sys.stderr,
                    flush=True,
                )
            before = source_files()
            while source_files() == before:
                time.sleep(interval)
    except KeyboardInterrupt:
        return
    finally:
        sys.argv = saved_argv


def serve() -> None:
    """Run the server: Bottle's own, with its reloader, in development."""
    environment = settings.current_environment()
    if environment == "development" and "BOTTLE_CHILD" not in os.environ:
        # A bad setting is one line here, not one per restart.
        supervise(create_app(environment).config["app.reload_interval"])
        return
    app = wsgi_app(environment)
    server = require_server(app.config["app.server"])
    stop_on_signals()
    host, port = app.config["app.host"], app.config["app.port"]
    try:
        bottle.run(
            app,
            server=server,
            host=host,
            port=port,
            reloader=environment == "development",
            interval=app.config["app.reload_interval"],
            **server_options(app.config),
        )
    except OSError as error:
        # A port taken or not allowed: one line, as for a bad setting.
        problem = settings.listen_error(host, port, error)
        if problem is None:
            raise
        raise problem from None
