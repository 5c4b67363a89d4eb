"""Fixtures for the plain pytest tests (SiteCase classes set themselves up, see support.py)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import cherrypy
import pytest

from {{ cookiecutter.package_name }} import settings

from . import support


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No prefixed variable from the shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith(settings.PREFIX):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def database_url() -> Iterator[str]:
    """A migrated database of the test's own, dropped afterwards."""
    url = support.databases().create()
    yield url
    support.databases().remove(url)


@pytest.fixture
def isolated_cherrypy() -> Iterator[None]:
    """Undo what loading config and building a site do to CherryPy's process-wide state."""
    engine = cherrypy.engine
    listeners = {channel: set(callbacks) for channel, callbacks in engine.listeners.items()}
    priorities = dict(engine._priorities)
    handlers = dict(engine.signal_handler.handlers)
    signals = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {sig: signal.getsignal(sig) for sig in signals}
    # CPWebCase subscribes the engine's default signal listeners (SIGTERM -> engine.exit);
    # main() must be tested with only its own.
    for channel in ("SIGTERM", "SIGINT", "SIGHUP", "SIGUSR1"):
        for callback in list(engine.listeners.get(channel, ())):
            engine.unsubscribe(channel, callback)
    try:
        yield
    finally:
        engine.listeners, engine._priorities = listeners, priorities
        cherrypy.log.screen = False  # its handlers write to streams pytest has closed
        engine.signal_handler.handlers = handlers
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        cherrypy.config.reset()
        cherrypy.tree = cherrypy._cptree.Tree()
        cherrypy.server.httpserver = None
