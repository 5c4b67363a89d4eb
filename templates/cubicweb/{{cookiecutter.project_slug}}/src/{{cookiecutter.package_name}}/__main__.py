"""The console script ``{{ cookiecutter.project_slug }}``: ``serve`` (the default) or ``migrate``.

``migrate`` creates the CubicWeb instance on a fresh database and otherwise applies the cubes'
pending migration scripts (``cubicweb-ctl upgrade``). ``serve`` does the same first in development
and testing; production refuses to start while the database is behind the installed cubes.
Development runs under hupper (the reloader Pyramid's ``pserve --reload`` uses) with CubicWeb's
debug mode; production runs one process without either.
"""

from __future__ import annotations

import argparse
import logging
import sys

from . import settings
from .config import AppConfig, load_config

log = logging.getLogger(__name__)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="{{ cookiecutter.project_slug }}",
        description="Serve the CubicWeb application, or migrate its database.",
        epilog="Settings come from {{ cookiecutter.__env_prefix }}* environment variables (see README).",
    )
    commands = parser.add_subparsers(dest="command", metavar="{serve,migrate}")
    commands.add_parser("serve", help="serve the application (the default)")
    commands.add_parser(
        "migrate",
        help="create the instance or apply pending migrations (see DATABASE_URL in README)",
    )
    return parser.parse_args(argv)  # unknown arguments: usage on stderr, exit status 2


@settings.exit_on_config_error
def main(argv: list[str] | None = None) -> None:
    command = parse_arguments(sys.argv[1:] if argv is None else argv).command or "serve"
    # Configuration errors end here, before anything is imported or logged.
    config = load_config()
    settings.configure_logging(config.log_level)
    from . import instance

    try:
        if command == "migrate":
            outcome = instance.migrate(config)
            if outcome == "up to date":
                instance.check_instance_schema(config)
            print(f"{config.database.redacted()}: {outcome}")
            return
        serve(config)
    except instance.InstanceError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def serve(config: AppConfig) -> None:
    from . import instance, sessions

    if config.debug:
        import hupper

        if not hupper.is_active():
            # Fail in one line now, before the reloader starts a child that would die on it.
            settings.check_can_listen(config.host, config.port)
            instance.migrate(config)
            # The parent watches files and restarts the server in a child process.
            hupper.start_reloader(f"{__name__}.reloaded", shutdown_interval=3)
            return  # pragma: no cover - start_reloader exits the parent
    elif config.environment == "production":
        if pending := instance.pending_migrations(config):
            raise settings.pending_migrations_error(pending)
        sessions.check_redis(config)
    else:
        instance.migrate(config)
    run(config)


@settings.exit_on_config_error
def reloaded() -> None:  # pragma: no cover - runs in hupper's child process
    config = load_config()
    settings.configure_logging(config.log_level)
    run(config)


def run(config: AppConfig) -> None:
    from . import server, wsgi

    server.serve(wsgi.create_app(config), config)


if __name__ == "__main__":
    main()
