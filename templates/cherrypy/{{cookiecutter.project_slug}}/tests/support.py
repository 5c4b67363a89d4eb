"""Test helpers the test modules import: a migrated database per test or class, and ``SiteCase``.

``SiteCase`` is CherryPy's own ``CPWebCase``: each test class starts the real engine and HTTP
server in this process, so requests go through real sockets, tools, plugins and error pages.
(Fixtures live in conftest.py; this module holds what test classes must subclass or call.)
Test modules import this module and subclass ``support.SiteCase``: pytest collects every
TestCase class in a module's namespace, so ``from .support import SiteCase`` would start one
more server per module, to run nothing of ours.

Databases: see migrated_databases.py (SQLite copies, or PostgreSQL clones with
``{{ cookiecutter.__env_prefix }}TEST_DATABASE_URL``).
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import ssl
import time
from typing import Any, ClassVar

import cherrypy
from cherrypy.process.servers import ServerAdapter
from cherrypy.test import helper
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from {{ cookiecutter.package_name }} import configuration, database, lifecycle, settings, site
from {{ cookiecutter.package_name }}.models import Base, Item

from .migrated_databases import MigratedDatabases

TEST_SECRET = "test-secret-not-for-production"
# Stopping a server waits for its connection loop's next check (see lifecycle): in the tests,
# which stop a server per class, it checks more often than the site does.
lifecycle.STOP_CHECK_INTERVAL = 0.01
_wait_until_ready = ServerAdapter.wait


def _wait_until_ready_soon(adapter: ServerAdapter) -> None:
    """CherryPy's ``ServerAdapter.wait``, which polls every 0.1 s for the server thread to be
    ready: each class's start waited 0.1 s per listener for a bind that takes a millisecond.
    Poll often until ready, then let it make its own checks (it finds the server ready)."""
    deadline = time.monotonic() + 10
    while not getattr(adapter.httpserver, "ready", False) and time.monotonic() < deadline:
        if adapter.interrupt:
            raise adapter.interrupt
        time.sleep(0.002)
    _wait_until_ready(adapter)


ServerAdapter.wait = _wait_until_ready_soon
# Read at import, before the fixtures clear the prefixed variables from the environment.
TEST_DATABASE_URL = os.environ.get(settings.env_var("TEST_DATABASE_URL"))


def request(
    port: int, path: str, method: str = "GET", context: ssl.SSLContext | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request to 127.0.0.1 on any listener (CPWebCase talks to the main one only)."""
    if context is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    else:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


def environ(**values: str) -> dict[str, str]:
    """Prefixed environment variables from unprefixed names."""
    return {settings.env_var(name): value for name, value in values.items()}


def migrate(url: str) -> None:
    database.upgrade(settings.check_database_url(url))


_databases: MigratedDatabases | None = None


def databases() -> MigratedDatabases:
    """The session's databases, made on first use (the migrated template costs a moment)."""
    global _databases
    if _databases is None:
        _databases = MigratedDatabases(TEST_DATABASE_URL, migrate)
        atexit.register(_databases.close)
    return _databases


def empty(engine: Engine) -> None:
    """Delete every row of the models' tables; identities restart, as in a fresh copy."""
    tables = Base.metadata.sorted_tables
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:  # SQLite: without AUTOINCREMENT, the next rowid of an empty table is 1
            for table in reversed(tables):
                connection.execute(table.delete())


def add_item(url: str, title: str, done: bool = False) -> int:
    """Store an item directly in the database; its ID."""
    engine = create_engine(settings.check_database_url(url).sqlalchemy_url)
    with Session(engine) as session, session.begin():
        item = Item(title=title, done=done)
        session.add(item)
        session.flush()
        number = item.id
    engine.dispose()
    return number


class SiteCase(helper.CPWebCase):
    """CPWebCase serving this project's site, configured exactly as ``main()`` does.

    Each class serves a migrated database of its own, which ``setUp`` empties before every test
    (identities restart too), so each test starts as on a fresh copy. A copy per test cost about
    a second each on PostgreSQL (``CREATE DATABASE ... TEMPLATE``).
    Subclasses pick ``environment`` and add prefixed ``settings`` (names without the prefix),
    which go through the same layering as in production.
    """

    interactive = False  # fail, rather than prompt on the terminal, when an assertion fails
    environment: ClassVar[str] = "testing"
    settings: ClassVar[dict[str, str]] = {}
    # Lines for the [global] section of the deployer's file the class is configured with.
    conf_lines: ClassVar[str] = ""
    built: ClassVar[site.Site]
    database_url: ClassVar[str]
    # CPWebCase's test_gc is CherryPy's leak report for its own suite: it walks every object in
    # the process (1-2 s per class here) and swallows its one assertion (cherrypy#1420).
    test_gc = None

    @classmethod
    def setup_server(cls) -> None:
        sessions = databases().folder / f"sessions-{cls.__name__}"
        cls.database_url = databases().create()
        variables = {"SECRET_KEY": TEST_SECRET, "DATABASE_URL": cls.database_url, **cls.settings}
        deploy = databases().folder / f"{cls.__name__}.conf"
        deploy.write_text(f'[global]\napp.sessions_dir = "{sessions}"\n{cls.conf_lines}', "utf-8")
        config = configuration.load(cls.environment, environ(CONFIG=str(deploy), **variables))
        # CPWebCase's fixed port may be taken: port 0, and read the real one once started.
        cherrypy.config.update({"server.socket_host": "127.0.0.1", "server.socket_port": 0})
        cls.built = site.build(config)

    @classmethod
    def setup_class(cls) -> None:
        super().setup_class()
        cls.PORT = cherrypy.server.bound_addr[1]

    @classmethod
    def teardown_class(cls) -> None:
        super().teardown_class()  # stops the engine: the database plugin disposes of its pool
        cls.built.unsubscribe()
        databases().remove(cls.database_url)

    def setUp(self) -> None:
        super().setUp()
        engine = self.built.database.engine
        assert engine is not None, "the database plugin is not started"
        empty(engine)

    def json(self) -> Any:
        return json.loads(self.body)

    def send_json(self, url: str, method: str, document: Any) -> None:
        text = document if isinstance(document, str) else json.dumps(document)
        body = text.encode("utf-8")
        self.getPage(
            url,
            method=method,
            body=body,
            headers=[("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
