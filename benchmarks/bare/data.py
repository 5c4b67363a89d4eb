"""The database the bare apps read: the one the baked server uses, named by one variable.

``BARE_DATABASE_URL`` holds the starter's own ``DATABASE_URL`` form (``sqlite:///path`` or
``postgresql://...``); each bare app opens it with the driver its starter uses.
"""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_ENV = "BARE_DATABASE_URL"


def database_url() -> str:
    """The URL, or ``sqlite://`` (an empty in-memory database) when /health is all that runs."""
    return os.environ.get(DATABASE_ENV) or "sqlite://"


def sqlalchemy_url(url: str, asynchronous: bool = False) -> str:
    """The starters' drivers: pysqlite / aiosqlite, and psycopg 3 for PostgreSQL."""
    scheme, _, rest = url.partition("://")
    if scheme.startswith("postgres"):
        return f"postgresql+psycopg://{rest}"
    return f"sqlite+aiosqlite://{rest}" if asynchronous else f"sqlite://{rest}"


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))
