"""The console script `{{ cookiecutter.project_slug }}` and `python -m {{ cookiecutter.package_name }}`.

Production runs gunicorn; development runs Flask's server with Werkzeug's debugger and reloader,
as `flask --app {{ cookiecutter.package_name }} run --debug` does; testing runs Flask's server without them.
"""

from __future__ import annotations

from flask import Flask

from . import create_app, settings


def serve(app: Flask) -> None:
    if app.config["ENV"] == "production":
        from .server import ProductionServer

        ProductionServer(app).run()
        return
    debug = app.config["ENV"] == "development"
    app.run(
        host=app.config["HOST"],
        port=app.config["PORT"],
        debug=debug,
        use_debugger=debug,
        use_reloader=debug,
    )


@settings.exit_on_config_error
def main() -> None:
    # The whole configuration is checked here, before any server logs a line: a missing
    # production secret gives one line on stderr and exit status 2.
    # ProductionServer checks gunicorn's options the same way, before gunicorn starts.
    serve(create_app())


if __name__ == "__main__":
    main()
