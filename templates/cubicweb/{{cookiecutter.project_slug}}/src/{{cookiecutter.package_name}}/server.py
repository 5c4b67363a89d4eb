"""Serve the application with waitress (CubicWeb's own server) and stop cleanly on a signal."""

from __future__ import annotations

import errno
import logging
import signal
import socket
from types import FrameType

import waitress
from pyramid.router import Router

from . import settings
from .config import AppConfig

log = logging.getLogger(__name__)


def _stop(signum: int, frame: FrameType | None) -> None:
    # waitress' main loop returns on SystemExit, and serve() shuts the repository down.
    raise SystemExit(0)


def port_in_use(config: AppConfig) -> settings.ConfigError:
    return settings.ConfigError(
        f"{settings.env_var('PORT')}: {config.host}:{config.port} is already in use "
        "(another server is running there)"
    )


def check_port_free(config: AppConfig) -> None:
    """Fail now, in one line, when the port is taken: before the reloader starts a child that
    would die on it while the reloader waits for a file change."""
    with socket.socket(socket.AF_INET6 if ":" in config.host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
        try:
            probe.bind((config.host, config.port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise port_in_use(config) from None
            raise


def serve(app: Router, config: AppConfig) -> None:
    """Serve until SIGTERM or Ctrl-C, then close the repository (threads, database)."""
    try:
        server = waitress.create_server(
            app,
            host=config.host,
            port=config.port,
            threads=config.threads,
            max_request_body_size=config.max_body_bytes,
            max_request_header_size=config.max_header_bytes,
            clear_untrusted_proxy_headers=True,
            # X-Forwarded-Proto from {{ cookiecutter.__env_prefix }}TRUSTED_PROXIES only (HSTS, security.py).
            **app.registry["security_policy"].waitress_options(),
        )
    except OSError as error:
        app.registry["cubicweb.repository"].shutdown()
        if error.errno == errno.EADDRINUSE:
            raise port_in_use(config) from None
        raise
    previous_handler = signal.signal(signal.SIGTERM, _stop)
    log.info("%s server on http://%s:%s/", config.environment, config.host, config.port)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        server.close()
        app.registry["cubicweb.repository"].shutdown()
        log.info("stopped")
