"""Serve the application with waitress (CubicWeb's own server) and stop cleanly on a signal."""

from __future__ import annotations

import logging
import signal
from types import FrameType

import waitress
from pyramid.router import Router

from . import settings
from .config import AppConfig

log = logging.getLogger(__name__)


def _stop(signum: int, frame: FrameType | None) -> None:
    # waitress' main loop returns on SystemExit, and serve() shuts the repository down.
    raise SystemExit(0)


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
        problem = settings.listen_error(config.host, config.port, error)
        if problem is None:
            raise
        raise problem from None
    previous_handler = signal.signal(signal.SIGTERM, _stop)
    log.info("%s server on http://%s:%s/", config.environment, config.host, config.port)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        server.close()
        app.registry["cubicweb.repository"].shutdown()
        log.info("stopped")
