"""Console script: ``{{ cookiecutter.project_slug }} [serve|migrate] [--option=value ...]``.

``serve`` (the default) runs Tornado's HTTP server: development and testing apply pending
migrations first, production refuses to start while any are pending. ``migrate`` applies them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from types import SimpleNamespace

import tornado.autoreload
from tornado.log import enable_pretty_logging
from tornado.options import OptionParser

from . import database, settings
from .broker import check_redis
from .options import config_file, load_options
from .server import bind, raise_open_file_limit, run, run_workers


def configure_logging(level: str) -> None:
    """Tornado's log format on stderr, at the contract's LOG_LEVEL."""
    enable_pretty_logging(SimpleNamespace(logging=level, log_file_prefix=None, log_to_stderr=None))
    # Not every query's thread hand-off, even at debug level.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, logging.getLogger().level))


async def check_services(options: OptionParser, environment: str) -> None:
    """Before serving (and forking): the database is migrated, Redis answers."""
    await database.prepare(settings.check_database_url(options.database_url), environment)
    if options.redis_url:
        await check_redis(options.redis_url)


@settings.exit_on_config_error
def main(argv: Sequence[str] | None = None) -> None:
    environment = settings.current_environment()
    command, options = load_options(environment, sys.argv if argv is None else argv, os.environ)
    settings.freeze_startup_objects()  # what is imported by now lives as long as the process
    if command == "migrate":
        configure_logging(options.logging)  # Alembic says which migrations it runs
        url = settings.check_database_url(options.database_url)
        asyncio.run(database.migrate(url))
        print(f"the database {url.redacted()} is up to date")
        return
    sockets = bind(options.host, options.port)
    asyncio.run(check_services(options, environment))
    # Everything is ready: only now set up logging, so an error is the only output.
    configure_logging(options.logging)
    raise_open_file_limit()
    if options.debug:
        tornado.autoreload.watch(str(config_file(environment)))
    if options.workers == 1:
        asyncio.run(run(options, sockets))
    else:
        run_workers(options.workers, lambda pipe: asyncio.run(run(options, sockets, pipe)))


if __name__ == "__main__":
    main()
