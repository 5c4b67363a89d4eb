"""Configuration layering with Flask's own config object.

1. ``settings.DEFAULTS`` and ``DefaultConfig`` below;
2. ``environments/<environment>.toml``, shipped inside the package;
3. ``{{ cookiecutter.__env_prefix }}*`` environment variables, through ``app.config.from_prefixed_env``: values are
   parsed as JSON and ``__`` reaches into nested tables (``{{ cookiecutter.__env_prefix }}GUNICORN__TIMEOUT=60``);
4. the mapping given to ``create_app`` (tests use it).

Every value that the app relies on is then checked, so that a bad one stops the program with one
line that names the variable.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from typing import Any

from flask import Config, Flask

from . import settings

ENVIRONMENTS_FOLDER = "environments"
# Config keys whose values are never shown (see the `flask show-config` command).
SECRET_KEYS = frozenset({"SECRET_KEY", "SECRET_KEY_FALLBACKS", "WTF_CSRF_SECRET_KEY"})


class DefaultConfig:
    """Built-in defaults beyond the shared ones. Upper-case attributes become config keys."""

    SECRET_KEY: str | None = None
    # Old secrets that still verify signed cookies, newest first: rotate keys without logging
    # everybody out.
    SECRET_KEY_FALLBACKS: list[str] = []
    # An SQLAlchemy URL; empty: an SQLite file per environment under var/ (settings.py).
    DATABASE_URL: str = ""
    # Bigger request bodies are refused with 413 before the app reads them.
    MAX_CONTENT_LENGTH: int = 1024 * 1024
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    # Seconds a form's CSRF token stays valid (Flask-WTF); None: as long as the session.
    WTF_CSRF_TIME_LIMIT: int | None = 3600
    # Production server (gunicorn) worker processes; the development server runs one.
    WORKERS: int = settings.DEFAULT_WORKERS
    # Notes per page of GET /api/notes, and the most a client may ask for with ?per_page=.
    NOTES_PER_PAGE: int = 20
    NOTES_MAX_PER_PAGE: int = 100


# Flask's boolean settings and ours. from_prefixed_env reads true, false, 1 and 0 as JSON and
# keeps any other text ("off", "no") as a string, which Flask would take as true.
BOOLEAN_KEYS = tuple(
    sorted(
        name
        for name, value in {**Flask.default_config, **vars(DefaultConfig)}.items()
        if name.isupper() and isinstance(value, bool)
    )
)


def load_config(app: Flask, environment: str, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` layer by layer, then check it. Raises ``settings.ConfigError``."""
    config = app.config
    config.from_mapping(settings.DEFAULTS)
    config.from_object(DefaultConfig)
    # from_object copies references: give this app its own list, not the class attribute.
    config["SECRET_KEY_FALLBACKS"] = list(DefaultConfig.SECRET_KEY_FALLBACKS)
    config.from_file(f"{ENVIRONMENTS_FOLDER}/{environment}.toml", load=tomllib.load, text=False)
    try:
        config.from_prefixed_env(settings.PREFIX.removesuffix("_"))
    except TypeError:  # e.g. PREFIX_PORT__X=1: PORT is not a table
        raise settings.ConfigError(not_a_table(config)) from None
    # A secret is text: JSON parsing would turn a secret such as "1234" into a number.
    secret = settings.from_environ("SECRET_KEY")
    if secret:
        config["SECRET_KEY"] = secret
    config.from_mapping(overrides or {})
    # The environment was chosen before loading; Flask itself dropped its ENV key in 2.3.
    config.pop("ENV", None)
    config["ENVIRONMENT"] = environment
    check_config(config)


def not_a_table(config: Config) -> str:
    """The error for ``{{ cookiecutter.__env_prefix }}<NAME>__<KEY>`` variables whose NAME is not a table."""
    wrong = []
    for variable in sorted(os.environ):
        name = variable.removeprefix(settings.PREFIX)
        if variable.startswith(settings.PREFIX) and "__" in name:
            table = config.get(name.split("__")[0])
            if table is not None and not isinstance(table, dict):
                wrong.append(variable)
    return f"{', '.join(wrong)}: the name before '__' must be a table, such as GUNICORN"


def check_config(config: Config) -> None:
    """Validate and normalise the values the app and the servers rely on."""
    environment = config["ENVIRONMENT"]
    config["HOST"] = settings.check_host(config["HOST"])
    config["PORT"] = settings.check_port(config["PORT"])
    config["LOG_LEVEL"] = settings.check_log_level(config["LOG_LEVEL"])
    config["WORKERS"] = settings.check_workers(config["WORKERS"])
    for name in BOOLEAN_KEYS:
        config[name] = settings.check_bool(config[name], name)
    for name in ("MAX_CONTENT_LENGTH", "NOTES_PER_PAGE", "NOTES_MAX_PER_PAGE"):
        config[name] = positive_int(config[name], name)
    if config["WTF_CSRF_TIME_LIMIT"] is not None:
        config["WTF_CSRF_TIME_LIMIT"] = positive_int(
            config["WTF_CSRF_TIME_LIMIT"], "WTF_CSRF_TIME_LIMIT"
        )
    database = settings.check_database_url(
        config["DATABASE_URL"] or settings.default_database_url(environment)
    )
    database.ensure_directory()
    config["SQLALCHEMY_DATABASE_URI"] = database.sqlalchemy_url
    # A server restarted under the pool (or a failover) costs one retry, not a 500.
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    fallbacks = config["SECRET_KEY_FALLBACKS"]
    if not isinstance(fallbacks, list) or not all(
        isinstance(key, str) and key for key in fallbacks
    ):
        raise settings.ConfigError(
            f"{settings.env_var('SECRET_KEY_FALLBACKS')} must be a JSON list of non-empty "
            "strings, e.g. '[\"old-secret\"]'"
        )
    secret = config.get("SECRET_KEY")
    config["SECRET_KEY"] = settings.resolve_secret_key(environment, str(secret) if secret else None)


def positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise settings.ConfigError(
            f"{settings.env_var(name)} must be a positive integer, not {value!r}"
        )
    return value


def masked(config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the config that is safe to print: secrets are replaced by asterisks."""
    shown: dict[str, Any] = {}
    for key, value in config.items():
        if key in SECRET_KEYS and value:
            shown[key] = ["********"] * len(value) if isinstance(value, list) else "********"
        elif key in {"DATABASE_URL", "SQLALCHEMY_DATABASE_URI"} and value:
            shown[key] = settings.check_database_url(value).redacted()
        else:
            shown[key] = value
    return shown
