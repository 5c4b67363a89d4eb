"""The console script `{{ cookiecutter.project_slug }}` and `python -m {{ cookiecutter.package_name }}`.

``serve`` (the default) runs gunicorn in production, and Flask's development server elsewhere:
with Werkzeug's debugger and reloader in development, without them in testing. Development and
testing apply pending migrations first; production refuses to start while any are pending.
``migrate`` applies them, as ``flask --app {{ cookiecutter.package_name }} db upgrade`` does.
"""

from __future__ import annotations

import click
from flask import Flask
from flask_migrate import upgrade

from . import create_app, database, settings


@click.group(invoke_without_command=True)
@click.pass_context
def main(context: click.Context) -> None:
    """The web app's command line; without a command it runs `serve`."""
    if context.invoked_subcommand is None:
        context.invoke(serve)


@main.command()
@click.option(
    "--host",
    help="Interface to listen on [{{ cookiecutter.__env_prefix }}HOST].",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Port to listen on [{{ cookiecutter.__env_prefix }}PORT].",
)
@settings.exit_on_config_error
def serve(host: str | None = None, port: int | None = None) -> None:
    """Serve the app: gunicorn in production, Flask's development server otherwise."""
    overrides = {name: value for name, value in (("HOST", host), ("PORT", port)) if value}
    # The whole configuration is checked before any server logs a line: a missing production
    # secret is one line on stderr and exit status 2.
    app = create_app(overrides)
    with app.app_context():
        if app.config["ENVIRONMENT"] != "production":
            upgrade(directory=str(database.MIGRATIONS_DIR))
        elif pending := database.pending_migrations():
            raise settings.pending_migrations_error(pending)
        # gunicorn forks its workers from this process: a pooled connection opened here must
        # not be shared by them (SQLAlchemy's advice for os.fork(): dispose of the pool first).
        database.db.engine.dispose()
    run_server(app)


@main.command()
@settings.exit_on_config_error
def migrate() -> None:
    """Apply the pending database migrations ({{ cookiecutter.__env_prefix }}DATABASE_URL)."""
    app = create_app()
    with app.app_context():
        upgrade(directory=str(database.MIGRATIONS_DIR))
        click.echo(f"{database.describe(app)} is up to date")


def run_server(app: Flask) -> None:
    if app.config["ENVIRONMENT"] == "production":
        from .server import ProductionServer

        ProductionServer(app).run()
        return
    debug = app.config["ENVIRONMENT"] == "development"
    app.run(
        host=app.config["HOST"],
        port=app.config["PORT"],
        debug=debug,
        use_debugger=debug,
        use_reloader=debug,
    )


if __name__ == "__main__":
    main()
