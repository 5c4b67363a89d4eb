"""The database on CherryPy's engine bus: SQLAlchemy 2 for the models, Alembic for the schema.

``Database`` is a ``SimplePlugin``: the engine bus creates the SQLAlchemy engine when it starts
and disposes of it when it stops, so no connection outlives the server or crosses an autoreload.
``tools.db`` gives each request ``cherrypy.request.db``, a Session that is committed when the
handler succeeds and rolled back otherwise. The migrations ship inside the package, so an
installed project (a Docker image too) applies them with
``{{ cookiecutter.project_slug }} migrate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cherrypy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from cherrypy.lib import httputil
from cherrypy.process.plugins import SimplePlugin
from cherrypy.process.wspbus import Bus
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from . import settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The bus channel the tool asks for a Session on; the plugin answers while it runs.
SESSION_CHANNEL = "db.session"


def make_engine(url: settings.DatabaseURL) -> Engine:
    url.ensure_directory()
    # pre_ping: a PostgreSQL restart costs one reconnect, not one failed request per connection.
    return create_engine(url.sqlalchemy_url, pool_pre_ping=url.scheme == "postgresql")


def unreachable(url: settings.DatabaseURL, error: OperationalError) -> settings.ConfigError:
    lines = str(error.orig).strip().splitlines() if error.orig else []
    reason = lines[0] if lines else "no connection"
    return settings.ConfigError(
        f"{settings.env_var('DATABASE_URL')}: cannot reach {url.redacted()} ({reason})"
    )


def alembic_config(engine: Engine) -> Config:
    """Alembic's config without an ini file: env.py finds the engine in ``attributes``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(url: settings.DatabaseURL) -> None:
    """Apply every pending migration (``alembic upgrade head``)."""
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), "head")
    except OperationalError as error:
        raise unreachable(url, error) from None
    finally:
        engine.dispose()


def pending_migrations(url: settings.DatabaseURL) -> int:
    """How many migrations the database still lacks."""
    engine = make_engine(url)
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    try:
        with engine.connect() as connection:
            applied = MigrationContext.configure(connection).get_current_heads()
    except OperationalError as error:
        raise unreachable(url, error) from None
    finally:
        engine.dispose()
    return sum(1 for _ in script.iterate_revisions(tuple(script.get_heads()), applied))


def prepare(url: settings.DatabaseURL, environment: str) -> None:
    """Before serving: migrate outside production; in production refuse a stale schema."""
    if environment != "production":
        upgrade(url)
    elif count := pending_migrations(url):
        raise settings.pending_migrations_error(count)


class Database(SimplePlugin):
    """The SQLAlchemy engine, for as long as the engine bus runs."""

    def __init__(self, bus: Bus, url: settings.DatabaseURL) -> None:
        super().__init__(bus)
        self.url = url
        self.engine: Engine | None = None
        self.sessions = sessionmaker(expire_on_commit=False)

    def subscribe(self) -> None:
        super().subscribe()
        self.bus.subscribe(SESSION_CHANNEL, self.session)

    def unsubscribe(self) -> None:
        super().unsubscribe()
        self.bus.unsubscribe(SESSION_CHANNEL, self.session)

    def start(self) -> None:
        self.engine = make_engine(self.url)
        self.sessions.configure(bind=self.engine)
        self.bus.log(f"Database: {self.url.redacted()}")

    # Before the HTTP servers (priority 75) start, so the first request finds the engine.
    start.priority = 45  # type: ignore[attr-defined]

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    # After the HTTP servers (priority 50) stop, so no request is cut off mid-transaction.
    stop.priority = 70  # type: ignore[attr-defined]

    def session(self) -> Session:
        if self.engine is None:
            raise RuntimeError("the database plugin is not started")
        return self.sessions()


class SessionTool(cherrypy.Tool):
    """``tools.db``: a Session per request as ``cherrypy.request.db``.

    Committed before the response is finalized when the status is below 400, so a failed commit
    is a 500 rather than a success the database never saw; closed (which rolls back anything
    left) at the end of every request, errors included.
    """

    def __init__(self) -> None:
        super().__init__("on_start_resource", self.open, priority=20)

    def _setup(self) -> None:
        super()._setup()
        hooks = cherrypy.request.hooks
        hooks.attach("before_finalize", self.commit, priority=10)
        hooks.attach("on_end_resource", self.close, priority=80)

    @staticmethod
    def open(**_: Any) -> None:
        sessions = cherrypy.engine.publish(SESSION_CHANNEL)
        if not sessions:
            raise RuntimeError("no Database plugin on the engine bus")
        cherrypy.request.db = sessions[0]

    @staticmethod
    def commit() -> None:
        session: Session | None = getattr(cherrypy.request, "db", None)
        if session is None:
            return
        code = httputil.valid_status(cherrypy.response.status)[0]
        if code < 400:
            session.commit()
        else:
            session.rollback()

    @staticmethod
    def close() -> None:
        session: Session | None = getattr(cherrypy.request, "db", None)
        if session is not None:
            session.close()
            cherrypy.request.db = None


cherrypy.tools.db = SessionTool()
