"""The app's settings in Bottle's ``app.config``, as ``app.<name in lower case>``: defaults,
then ``config/<environment>.ini`` (section ``[app]``), then the environment variables
``{{ cookiecutter.__env_prefix }}<NAME>``.

Each key's ``filter`` (``ConfigDict.meta_set``) checks every value written to it, from any layer,
so a bad value is one line naming its variable.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import bottle

from . import settings
from .security_headers import load_policy

CONFIG_DIR = Path(__file__).resolve().parent / "config"
SERVERS = ("wsgiref", "waitress", "cheroot", "gunicorn")
# How often the development reloader looks for a changed file (Bottle's default: 1 s). As often
# as Tornado's autoreload: a saved change shows sooner, for a few stat() calls a second.
RELOAD_INTERVAL_SECONDS = 0.5

DEFAULTS: dict[str, Any] = {
    **settings.DEFAULTS,
    "SERVER": "wsgiref",
    "HTTPS": False,
    "MAX_UPLOAD_BYTES": 1024 * 1024,
    "UPLOAD_EXTENSIONS": ".txt .csv .pdf .png .jpg .jpeg .gif",
    "WORKERS": settings.DEFAULT_WORKERS,
    "THREADS": 4,
    "RELOAD_INTERVAL": RELOAD_INTERVAL_SECONDS,
}


def invalid(name: str, rule: str, value: Any) -> settings.ConfigError:
    return settings.ConfigError(f"{settings.env_var(name)} must be {rule}, not {value!r}")


def check_server(value: Any) -> str:
    if str(value).strip().lower() not in SERVERS:
        raise invalid("SERVER", "one of " + ", ".join(SERVERS), value)
    return str(value).strip().lower()


def check_https(value: Any) -> bool:
    return settings.check_bool(value, "HTTPS")


def check_upload_dir(value: Any) -> Path:
    if not str(value).strip():
        raise invalid("UPLOAD_DIR", "a directory path", value)
    return Path(str(value).strip()).expanduser().resolve()


def check_max_upload_bytes(value: Any) -> int:
    number = settings.as_int(value)
    if number is None or number < 1:
        raise invalid("MAX_UPLOAD_BYTES", "a whole number of bytes above 0", value)
    return number


def check_extensions(value: Any) -> frozenset[str]:
    """``"txt, .CSV pdf"`` -> ``{".txt", ".csv", ".pdf"}``."""
    words = re.split(r"[\s,]+", value) if isinstance(value, str) else list(value)
    extensions = frozenset("." + word.strip().lstrip(".").lower() for word in words if word.strip())
    if not extensions or not all(re.fullmatch(r"\.[a-z0-9]{1,16}", ext) for ext in extensions):
        raise invalid("UPLOAD_EXTENSIONS", "a list of file extensions like '.txt .png'", value)
    return extensions


def check_threads(value: Any) -> int:
    number = settings.as_int(value)
    if number is None or not 1 <= number <= 64:
        raise invalid("THREADS", "a number of threads from 1 to 64", value)
    return number


def check_reload_interval(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0.05 <= seconds <= 60:  # NaN too
        raise invalid("RELOAD_INTERVAL", "a number of seconds from 0.05 to 60", value)
    return seconds


def check_database_url(value: Any) -> settings.DatabaseURL:
    return value if isinstance(value, settings.DatabaseURL) else settings.check_database_url(value)


FILTERS: dict[str, Callable[[Any], Any]] = {
    "ENV": settings.check_environment,
    "HOST": settings.check_host,
    "PORT": settings.check_port,
    "LOG_LEVEL": settings.check_log_level,
    "SECRET_KEY": str,
    "SERVER": check_server,
    "HTTPS": check_https,
    "DATABASE_URL": check_database_url,
    "UPLOAD_DIR": check_upload_dir,
    "MAX_UPLOAD_BYTES": check_max_upload_bytes,
    "UPLOAD_EXTENSIONS": check_extensions,
    "WORKERS": settings.check_workers,
    "THREADS": check_threads,
    "RELOAD_INTERVAL": check_reload_interval,
}


def load_settings(
    config: bottle.ConfigDict, environment: str, overrides: Mapping[str, Any] | None = None
) -> None:
    """Layer the settings into ``config``; ``overrides`` (names without prefix) win, for tests."""
    environment = settings.check_environment(environment)  # it names the ini file

    def load(values: Mapping[str, Any]) -> None:
        config.load_dict({"app": {name.lower(): value for name, value in values.items()}})

    for name, check in FILTERS.items():
        config.meta_set(f"app.{name.lower()}", "filter", check)
    load(DEFAULTS | {"DATABASE_URL": settings.default_database_url(environment)})
    config.load_config(str(CONFIG_DIR / f"{environment}.ini"))
    load({name: value for name in FILTERS if (value := settings.from_environ(name)) is not None})
    load(overrides or {})
    config["app.env"] = environment
    # The shared security headers (security.add_security_headers sends them), checked once.
    config["app.security_policy"] = load_policy()
    config["app.secret_key"] = settings.resolve_secret_key(
        environment, config.get("app.secret_key")
    )
    # Relative to the directory the program started in, as in SQLAlchemy's URLs.
    database_path = config["app.database_url"].sqlite_path.resolve()
    config["app.database_path"] = database_path
    if "app.upload_dir" not in config:  # next to the database that records the uploads
        config["app.upload_dir"] = database_path.with_name(database_path.stem + "-uploads")
