"""Console script: ``{{ cookiecutter.project_slug }}``,
or ``python -m {{ cookiecutter.package_name }}``.

``serve`` (the default) runs CherryPy's engine; ``migrate`` applies the database migrations.
Imports are absolute because CherryPy's autoreloader and SIGHUP re-execute this file as a
script, and late, so that a Ctrl-C during start-up lands inside ``main()``, which exits 0.
"""

from __future__ import annotations

import argparse
import sys

from {{ cookiecutter.package_name }} import settings


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="{{ cookiecutter.project_slug }}",
        description=f"The web app. Settings come from {settings.PREFIX}* variables (see README).",
    )
    commands = parser.add_subparsers(dest="command", metavar="{serve,migrate}")
    commands.add_parser("serve", help="serve the site (the default)")
    commands.add_parser("migrate", help="apply the pending migrations to the database")
    return parser


def serve(environment: str) -> None:
    """Check everything, then run the engine until a signal stops it.

    SIGTERM and SIGINT (Ctrl-C) exit 0, SIGHUP reloads the configuration (a graceful restart),
    SIGUSR1 is CherryPy's graceful. In development the autoreloader re-executes the process
    (same PID) when a file changes.
    """
    import cherrypy

    from {{ cookiecutter.package_name }} import configuration, database, lifecycle, site

    settings.freeze_startup_objects()  # what the imports made lives as long as the process
    # Any bad setting, a stale schema or a taken port stops here, as one line.
    config = configuration.load(environment)
    database.prepare(config.database_url, environment)
    built = site.build(config)
    lifecycle.check_ports(built.addresses())

    engine = cherrypy.engine
    handlers = {
        "SIGTERM": lifecycle.WhenStarted(engine, engine.exit),
        "SIGINT": lifecycle.WhenStarted(engine, engine.exit),
        "SIGHUP": lifecycle.WhenStarted(engine, lifecycle.Reload(engine, environment)),
    }
    engine.signal_handler.handlers.update(handlers)
    engine.signals.subscribe()
    engine.start()
    for handler in handlers.values():
        handler.started()
    engine.block()


def migrate(environment: str) -> None:
    from {{ cookiecutter.package_name }} import configuration, database

    url = configuration.load(environment, need_secret=False).database_url
    database.upgrade(url)
    print(f"the database {url.redacted()} is up to date")


@settings.exit_on_config_error
def main(argv: list[str] | None = None) -> None:
    arguments = parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        environment = settings.current_environment()
        if arguments.command == "migrate":
            migrate(environment)
        else:
            serve(environment)
    except KeyboardInterrupt:
        # Ctrl-C before the engine's handlers are installed (e.g. just after a re-exec).
        pass


if __name__ == "__main__":
    main()
