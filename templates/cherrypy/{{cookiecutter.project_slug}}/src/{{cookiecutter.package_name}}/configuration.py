"""Configuration layering, done by CherryPy's own config system.

Each layer is one ``cherrypy.config.update()``, so later layers win key by key:

1. built-in defaults (``settings.DEFAULTS``, the environment's SQLite database);
2. ``config/common.conf`` then ``config/<environment>.conf``, shipped inside the package;
3. the deployer's own file named by ``{{ cookiecutter.__env_prefix }}CONFIG``, if any;
4. ``{{ cookiecutter.__env_prefix }}*`` environment variables (``KEYS``).

Every layer is checked as it is read, so a bad value names where it came from: the variable, or
the file and key. The path sections of the files become app config (``Configuration``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cherrypy
from cherrypy.lib import reprconf

from . import settings
from .security_headers import load_policy

CONFIG_DIR = Path(__file__).resolve().parent / "config"
Sections = dict[str, dict[str, Any]]


def _optional_port(value: Any) -> int:
    """A port where 0 (or None) means "this listener is off"."""
    if value is None or settings.as_int(value) == 0:
        return 0
    port = settings.as_int(value)
    if port is None or not 1 <= port <= 65535:
        raise ValueError("must be 0 (off) or an integer from 1 to 65535")
    return port


def _flag(value: Any) -> bool:
    flag = settings.as_bool(value)
    if flag is None:
        raise ValueError(settings.BOOL_RULE)
    return flag


def _existing_file(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not Path(value).is_file():
        raise ValueError("must name an existing file")
    return value


def _database_url(value: Any) -> str:
    return settings.check_database_url(value).url


def _secret(value: Any) -> str | None:
    return str(value) if value else None


# Config key -> (its variable without the prefix, the rule). A value from a file obeys the same
# rule; its error then names the file and key instead of the variable.
KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "server.socket_host": ("HOST", settings.check_host),
    "server.socket_port": ("PORT", settings.check_port),
    "app.log_level": ("LOG_LEVEL", settings.check_log_level),
    "app.secret_key": ("SECRET_KEY", _secret),
    "app.database_url": ("DATABASE_URL", _database_url),
    "admin.socket_port": ("ADMIN_PORT", _optional_port),
    "https.socket_port": ("HTTPS_PORT", _optional_port),
    "https.ssl_certificate": ("HTTPS_CERTIFICATE", _existing_file),
    "https.ssl_private_key": ("HTTPS_PRIVATE_KEY", _existing_file),
    "profiling.on": ("PROFILING", _flag),
    "app.screen_access_log": ("SCREEN_ACCESS_LOG", _flag),
    "tools.proxy.on": ("BEHIND_PROXY", _flag),
}


def checked(key: str, value: Any, source: str | None = None) -> Any:
    """``value`` by the rule of ``key``; the error names ``source``, or else the variable."""
    name, rule = KEYS[key]
    blamed = source or settings.env_var(name)
    try:
        return rule(value)
    except ValueError as error:  # the rules of this module
        raise settings.ConfigError(f"{blamed} {error}, not {value!r}") from None
    except settings.ConfigError as error:  # the shared rules name the variable
        raise settings.ConfigError(str(error).replace(settings.env_var(name), blamed)) from None


@dataclass
class Configuration:
    """What ``load`` layered into ``cherrypy.config``, and the path sections for the apps."""

    environment: str
    files: list[Path] = field(default_factory=list)
    site_sections: list[Sections] = field(default_factory=list)
    deployer_sections: Sections = field(default_factory=dict)

    @property
    def database_url(self) -> settings.DatabaseURL:
        return settings.check_database_url(cherrypy.config["app.database_url"])


def deployer_file(environ: Mapping[str, str]) -> Path | None:
    """The file named by ``{{ cookiecutter.__env_prefix }}CONFIG``; it must exist."""
    name = environ.get(settings.env_var("CONFIG"), "").strip()
    if not name:
        return None
    path = Path(name).expanduser().resolve()
    if not path.is_file():
        raise settings.ConfigError(f"{settings.env_var('CONFIG')} names no file: {name!r}")
    return path


def read_file(path: Path) -> Sections:
    """A CherryPy config file, its known keys checked; errors name the file (and key)."""
    try:
        sections = reprconf.Parser().dict_from_file(str(path))
    except Exception as error:  # reprconf raises many kinds on a malformed file
        reason = " ".join(str(error).split()) or type(error).__name__
        raise settings.ConfigError(f"cannot read config file {path}: {reason}") from None
    glob = sections.get("global", {})
    for key in KEYS.keys() & glob.keys():
        glob[key] = checked(key, glob[key], f"{key} in {path}")
    return sections


def from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """The config keys set by prefixed environment variables, each checked once."""
    overrides = {}
    for key, (name, _rule) in KEYS.items():
        value = environ.get(settings.env_var(name))
        if value is not None:
            overrides[key] = checked(key, value)
    return overrides


def defaults(environment: str) -> dict[str, Any]:
    return {
        "server.socket_host": settings.DEFAULTS["HOST"],
        "server.socket_port": settings.DEFAULTS["PORT"],
        "app.log_level": settings.DEFAULTS["LOG_LEVEL"],
        "app.database_url": settings.default_database_url(environment),
    }


@dataclass
class Layers:
    """The layers above the defaults, each read and checked."""

    files: dict[Path, Sections]
    packaged: list[Path]
    deployer: Path | None
    overrides: dict[str, Any]


def read_layers(environment: str, environ: Mapping[str, str]) -> Layers:
    """Read and check every layer without applying any: a ConfigError names the culprit."""
    settings.check_environment(environment)
    packaged = [CONFIG_DIR / "common.conf", CONFIG_DIR / f"{environment}.conf"]
    deployer = deployer_file(environ)
    files = {path: read_file(path) for path in [*packaged, *([deployer] if deployer else [])]}
    return Layers(files, packaged, deployer, from_environ(environ))


def load(
    environment: str, environ: Mapping[str, str] | None = None, *, need_secret: bool = True
) -> Configuration:
    """Layer the configuration into ``cherrypy.config``; a ConfigError (one line) on bad input.

    ``need_secret=False`` is for commands that sign nothing (``migrate``).
    """
    environ = os.environ if environ is None else environ
    layers = read_layers(environment, environ)
    policy = load_policy(environ)
    cherrypy.config.reset()  # every load starts from CherryPy's own defaults
    cherrypy.config.update(defaults(environment))
    for path, sections in layers.files.items():
        cherrypy.config.update({"global": sections.get("global", {})})
        cherrypy.engine.autoreload.files.add(str(path))  # a change re-executes the process
    cherrypy.config.update(layers.overrides)
    # The shared security headers, checked once: tools.security_headers sends them.
    cherrypy.config["tools.security_headers.policy"] = policy
    check_https()
    if need_secret:
        cherrypy.config["app.secret_key"] = settings.resolve_secret_key(
            environment, cherrypy.config.get("app.secret_key")
        )

    def paths(sections: Sections) -> Sections:
        return {section: values for section, values in sections.items() if section != "global"}

    return Configuration(
        environment,
        list(layers.files),
        [paths(layers.files[path]) for path in layers.packaged],
        paths(layers.files[layers.deployer]) if layers.deployer else {},
    )


def check_https() -> None:
    """Half an HTTPS setup is a mistake, not a reason to serve plain HTTP only."""
    conf = cherrypy.config
    if bool(conf.get("https.ssl_certificate")) != bool(conf.get("https.ssl_private_key")):
        raise settings.ConfigError(
            f"{settings.env_var('HTTPS_CERTIFICATE')} and {settings.env_var('HTTPS_PRIVATE_KEY')}"
            " must be set together"
        )
