"""Configuration layering, done by CherryPy's own config system.

Each layer is one ``cherrypy.config.update()`` call, so later layers win key by key:

1. built-in defaults (``settings.DEFAULTS``);
2. ``config/<environment>.conf`` shipped inside the package;
3. the deployer's own file named by ``{{ cookiecutter.__env_prefix }}CONFIG``, if any;
4. ``{{ cookiecutter.__env_prefix }}*`` environment variables (``ENVIRON_KEYS``).

Files go through ``cherrypy.config.update(filename)``, which also registers them with the
autoreloader. Their path sections become the HTML site's app config (``app_config_files``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import cherrypy

from . import settings

CONFIG_DIR = Path(__file__).resolve().parent / "config"


def _optional_port(name: str) -> Callable[[str], int]:
    """A port where 0 means "this listener is off"."""

    def check(value: str) -> int:
        if value.strip() == "0":
            return 0
        try:
            return settings.check_port(value)
        except settings.ConfigError:
            raise settings.ConfigError(
                f"{settings.env_var(name)} must be 0 (off) or an integer from 1 to 65535, "
                f"not {value!r}"
            ) from None

    return check


def _flag(name: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        lowered = value.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise settings.ConfigError(f"{settings.env_var(name)} must be true or false, not {value!r}")

    return check


def _text(value: str) -> str:
    return value


# Environment variable (without the prefix) -> (CherryPy config key, parser of the string).
ENVIRON_KEYS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "HOST": ("server.socket_host", settings.check_host),
    "PORT": ("server.socket_port", settings.check_port),
    "LOG_LEVEL": ("app.log_level", settings.check_log_level),
    "SECRET_KEY": ("app.secret_key", _text),
    "ADMIN_PORT": ("admin.socket_port", _optional_port("ADMIN_PORT")),
    "HTTPS_PORT": ("https.socket_port", _optional_port("HTTPS_PORT")),
    "HTTPS_CERTIFICATE": ("https.ssl_certificate", _text),
    "HTTPS_PRIVATE_KEY": ("https.ssl_private_key", _text),
    "PROFILING": ("profiling.on", _flag("PROFILING")),
    "SCREEN_ACCESS_LOG": ("app.screen_access_log", _flag("SCREEN_ACCESS_LOG")),
    "STORE_FILE": ("app.store_file", _text),
}


def defaults() -> dict[str, Any]:
    return {
        "server.socket_host": settings.DEFAULTS["HOST"],
        "server.socket_port": settings.DEFAULTS["PORT"],
        "app.log_level": settings.DEFAULTS["LOG_LEVEL"],
    }


def environment_file(environment: str) -> Path:
    return CONFIG_DIR / f"{settings.check_environment(environment)}.conf"


def deployer_file(environ: Mapping[str, str]) -> Path | None:
    """The file named by ``{{ cookiecutter.__env_prefix }}CONFIG``; it must exist."""
    name = environ.get(settings.env_var("CONFIG"), "").strip()
    if not name:
        return None
    path = Path(name).expanduser().resolve()
    if not path.is_file():
        raise settings.ConfigError(f"{settings.env_var('CONFIG')} names no file: {name!r}")
    return path


def from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """The config keys set by prefixed environment variables, parsed and checked."""
    overrides: dict[str, Any] = {}
    for name, (key, parse) in ENVIRON_KEYS.items():
        value = environ.get(settings.env_var(name))
        if value is not None:
            overrides[key] = parse(value)
    return overrides


def app_config_files(environment: str, environ: Mapping[str, str]) -> list[Path]:
    """The config files of this environment, in layering order."""
    deployer = deployer_file(environ)
    return [environment_file(environment), *([deployer] if deployer else [])]


def load(environment: str, environ: Mapping[str, str] | None = None) -> list[Path]:
    """Layer the configuration into ``cherrypy.config``; return the files read.

    Raises ``settings.ConfigError`` (one line) before anything is logged.
    """
    environ = os.environ if environ is None else environ
    files = app_config_files(environment, environ)
    overrides = from_environ(environ)
    cherrypy.config.reset()  # every load starts from CherryPy's own defaults
    cherrypy.config.update(defaults())
    for path in files:
        try:
            cherrypy.config.update(str(path))
        except Exception as error:  # reprconf raises many kinds on a malformed file
            reason = " ".join(str(error).split()) or type(error).__name__
            raise settings.ConfigError(f"cannot read config file {path}: {reason}") from None
    cherrypy.config.update(overrides)
    check(environment)
    return files


def check(environment: str) -> None:
    """Validate the merged result, whichever layer each value came from."""
    conf = cherrypy.config
    conf["server.socket_host"] = settings.check_host(conf.get("server.socket_host"))
    conf["server.socket_port"] = settings.check_port(conf.get("server.socket_port"))
    conf["app.log_level"] = settings.check_log_level(conf.get("app.log_level", "INFO"))
    conf["app.secret_key"] = settings.resolve_secret_key(environment, conf.get("app.secret_key"))
    certificate, private_key = conf.get("https.ssl_certificate"), conf.get("https.ssl_private_key")
    if bool(certificate) != bool(private_key):
        raise settings.ConfigError(
            f"{settings.env_var('HTTPS_CERTIFICATE')} and {settings.env_var('HTTPS_PRIVATE_KEY')}"
            " must be set together"
        )
    for name, path in (("HTTPS_CERTIFICATE", certificate), ("HTTPS_PRIVATE_KEY", private_key)):
        if path and not Path(path).is_file():
            raise settings.ConfigError(f"{settings.env_var(name)} names no file: {path!r}")
