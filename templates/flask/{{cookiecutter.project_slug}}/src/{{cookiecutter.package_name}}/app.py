"""The application factory: ``create_app()`` builds a configured Flask app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from flask import Flask, Response, jsonify

from . import (
    DESCRIPTION,
    PROJECT_NAME,
    __version__,
    api,
    cli,
    database,
    errors,
    inputs,
    models,
    security,
    sessions,
    settings,
    views,
)
from .config import load_config


class SettingError(settings.ConfigError, click.ClickException):
    """A bad setting that ``flask run`` and the other ``flask`` commands print as one line.

    Flask's command line shows a traceback for any other exception raised while it builds the
    app; a ClickException is printed as ``Error: <message>``. Exit status 2, as for the contract.
    """

    exit_code = 2


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app for ``{{ cookiecutter.__env_prefix }}ENV`` (or ``test_config["ENV"]``).

    ``test_config`` is applied last, over every other layer: tests use it to pick the
    environment, the database and the secret. A bad setting raises ``SettingError``, a
    ``settings.ConfigError``.
    """
    try:
        return build_app(test_config)
    except settings.ConfigError as error:
        raise SettingError(str(error)) from None


def build_app(test_config: Mapping[str, Any] | None) -> Flask:
    app = Flask(__name__)
    # Before any blueprint adds its rules: <int:...> then takes ASCII digits only.
    app.url_map.converters["int"] = inputs.AsciiIntegerConverter
    app.json = inputs.JSONProvider(app)
    environment = settings.check_environment(
        (test_config or {}).get("ENV") or settings.current_environment()
    )
    if environment == "production" and app.debug:
        # FLASK_DEBUG=1 or `flask run --debug`: the debugger runs any code a visitor sends.
        raise settings.ConfigError(
            "production never runs the debugger: unset FLASK_DEBUG and drop --debug"
        )
    load_config(app, environment, test_config)
    app.logger.setLevel(app.config["LOG_LEVEL"])

    @app.context_processor
    def project_context() -> dict[str, str]:
        return {"project_name": PROJECT_NAME, "description": DESCRIPTION, "version": __version__}

    @app.shell_context_processor
    def shell_context() -> dict[str, Any]:
        return {"db": database.db, "Note": models.Note, "Tag": models.Tag}

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", version=__version__)

    security.init_app(app)
    sessions.init_app(app)
    database.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    errors.init_app(app)
    cli.init_app(app)
    return app
