"""Application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify

from . import PROJECT_NAME, settings


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_prefixed_env(settings.PREFIX.rstrip("_"))
    if overrides:
        app.config.from_mapping(overrides)
    app.config["SECRET_KEY"] = settings.resolve_secret_key(
        app.config["ENV"], app.config.get("SECRET_KEY")
    )

    @app.get("/health")
    def health() -> Any:
        return jsonify(status="ok")

    @app.get("/")
    def index() -> str:
        from markupsafe import escape

        name = escape(PROJECT_NAME)
        return f"<!doctype html><title>{name}</title><h1>{name}</h1>"

    return app
