"""The settings contract shared by every part of the app.

Configuration is layered: built-in defaults, then the framework's own config file for the current
environment, then environment variables prefixed with ``{{ cookiecutter.__env_prefix }}``. The framework's config system
does the layering; this module owns the names, the defaults and the rules, so that a bad value is
reported the same way everywhere: one line naming the variable.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

PREFIX = "{{ cookiecutter.__env_prefix }}"
ENVIRONMENTS = ("development", "production", "testing")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "HOST": "127.0.0.1",
    "PORT": 8000,
    "LOG_LEVEL": "INFO",
}
# Written at bake time by the generator and git-ignored; read only outside production.
SECRET_KEY_FILE = ".secret_key"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


class ConfigError(Exception):
    """A setting is missing or invalid. The message is one line that names the variable."""


def env_var(name: str) -> str:
    """The environment variable that sets ``name``, e.g. ``{{ cookiecutter.__env_prefix }}PORT``."""
    return PREFIX + name


def from_environ(name: str, default: str | None = None) -> str | None:
    return os.environ.get(env_var(name), default)


def check_environment(value: str) -> str:
    if value not in ENVIRONMENTS:
        raise ConfigError(
            f"{env_var('ENV')} must be one of {', '.join(ENVIRONMENTS)}, not {value!r}"
        )
    return value


def current_environment() -> str:
    """The environment named by ``{{ cookiecutter.__env_prefix }}ENV``, validated."""
    return check_environment(from_environ("ENV", DEFAULTS["ENV"]) or DEFAULTS["ENV"])


def check_port(value: Any) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = -1
    if not 1 <= port <= 65535:
        raise ConfigError(f"{env_var('PORT')} must be an integer from 1 to 65535, not {value!r}")
    return port


def check_host(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{env_var('HOST')} must be a host name or IP address, not {value!r}")
    return value.strip()


def check_log_level(value: Any) -> str:
    level = str(value).upper()
    if level not in LOG_LEVELS:
        raise ConfigError(
            f"{env_var('LOG_LEVEL')} must be one of {', '.join(LOG_LEVELS)}, not {value!r}"
        )
    return level


def _read_secret_file() -> str | None:
    for folder in (Path.cwd(), PROJECT_ROOT):
        path = folder / SECRET_KEY_FILE
        if path.is_file():
            secret = path.read_text(encoding="utf-8").strip()
            if secret:
                return secret
    return None


def resolve_secret_key(environment: str, configured: str | None) -> str:
    """The configured secret; outside production, fall back to the local file from the bake.

    Production never falls back: a missing secret there is a deployment error.
    """
    if configured:
        return configured
    if environment == "production":
        raise ConfigError(
            f"{env_var('SECRET_KEY')} must be set in production "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    secret = _read_secret_file()
    if secret is None:
        log.warning(
            "no %s and no %s file: using a throwaway secret", env_var("SECRET_KEY"), SECRET_KEY_FILE
        )
        secret = secrets.token_urlsafe(48)
    return secret


def exit_on_config_error(main: F) -> F:
    """Turn a ConfigError into one line on stderr and exit status 2, instead of a traceback."""

    @functools.wraps(main)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return main(*args, **kwargs)
        except ConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(2) from None

    return wrapper  # type: ignore[return-value]
