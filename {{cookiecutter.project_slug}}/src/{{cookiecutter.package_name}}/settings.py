{%- set fw = framework_info(cookiecutter.framework) -%}
"""The settings contract shared by every part of the app.

Configuration is layered: built-in defaults, then the framework's own config file for the current
environment, then environment variables prefixed with ``{{ cookiecutter.__env_prefix }}``, then the
command line where there is one. The framework's config system does the layering; this module
owns the names, the defaults and the rules, so that a bad value is reported the same way
everywhere: one line naming the variable.
"""

from __future__ import annotations

import errno
import functools
import gc
import logging
import os
import secrets
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import SplitResult, unquote, urlsplit

PREFIX = "{{ cookiecutter.__env_prefix }}"
ENVIRONMENTS = ("development", "production", "testing")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "HOST": "127.0.0.1",
    "PORT": 8000,
    "LOG_LEVEL": "INFO",
}
# The spellings of a boolean setting, in any case; anything else is refused (as_bool).
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
BOOL_RULE = "must be true or false (or 1/0, yes/no, on/off, in any case)"
# The shortest secret production accepts: a short one can be guessed offline from one cookie.
MIN_SECRET_KEY_LENGTH = 24
# Written at bake time by the generator and git-ignored; read only outside production.
SECRET_KEY_FILE = ".secret_key"
# The checkout this package is installed from in editable mode (src/<package>/settings.py).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Local data (the default SQLite databases); git-ignored, created on demand.
VAR_DIR_NAME = "var"
# The database URL schemes this starter supports, in the order the docs list them.
DATABASE_SCHEMES: tuple[str, ...] = ({% for scheme in fw.get("database_schemes", ["sqlite", "postgresql"]) %}"{{ scheme }}"{{ ", " if not loop.last else ("," if loop.length == 1) }}{% endfor %})
{%- if fw.get("database_note") %}
# Why other schemes are refused: said in the one-line error.
DATABASE_NOTE = {{ fw.database_note | py_str }}
{%- else %}
DATABASE_NOTE = ""
{%- endif %}
REDIS_SCHEMES = ("redis", "rediss", "unix")
# Production worker processes where the production server forks ({{ cookiecutter.__env_prefix }}WORKERS).
DEFAULT_WORKERS = 2
MIGRATE_COMMAND = "{{ cookiecutter.project_slug }} migrate"

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


def as_int(value: Any) -> int | None:
    """``value`` as an int when it is one exactly: 8000 or "8000", never 8000.9, "8e3" or True."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdecimal():
        return int(value.strip())
    return None


def as_bool(value: Any) -> bool | None:
    """``value`` as a bool when it spells one: a bool, the integer 1 or 0 (as JSON or TOML give
    them), or true/false, 1/0, yes/no, on/off in any case, blanks around ignored. None for
    anything else, "" included: the caller refuses it.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = value.strip().lower() if isinstance(value, str) else None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def check_bool(value: Any, name: str) -> bool:
    """The boolean setting ``name`` (without the prefix), or one line naming its variable."""
    flag = as_bool(value)
    if flag is None:
        raise ConfigError(f"{env_var(name)} {BOOL_RULE}, not {value!r}")
    return flag


def check_port(value: Any) -> int:
    port = as_int(value)
    if port is None or not 1 <= port <= 65535:
        raise ConfigError(f"{env_var('PORT')} must be an integer from 1 to 65535, not {value!r}")
    return port


def check_workers(value: Any) -> int:
    workers = as_int(value)
    if workers is None or not 1 <= workers <= 64:
        raise ConfigError(
            f"{env_var('WORKERS')} must be a number of processes from 1 to 64, not {value!r}"
        )
    return workers


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


def configure_logging(level: str) -> None:
    """Log to stderr at ``level``: for the starters that set logging up themselves (those
    served by waitress, whose own per-request noise is left out)."""
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    # waitress warns once per request queued behind busy threads: under a burst that is a line
    # per request (5,753 in 12 s of load at 32 connections), ~40 µs of server CPU each, burying
    # every other message. Its maintainers advise silencing it (Pylons/waitress#231); saturation
    # shows in the latency.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def freeze_startup_objects() -> None:
    """Keep what start-up built (imports, app, config) out of the garbage collector's passes.

    Python's advice before fork() without exec() (see ``gc.freeze``): forked workers do not copy
    those pages when the collector walks them, and no full collection walks them again, above
    all the last one at exit (measured on 2 cores: 0.2-0.8 s of CPU per process, and gunicorn
    workers that took 2-3 s to exit after SIGTERM). PyPy's collector has no freeze.
    """
    if hasattr(gc, "freeze"):
        gc.freeze()


def _read_secret_file() -> str | None:
    # The project's own file only: never one in the current directory, which may be another
    # project's.
    path = PROJECT_ROOT / SECRET_KEY_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None


def resolve_secret_key(environment: str, configured: str | None) -> str:
    """The configured secret; outside production, fall back to the local file from the bake.

    Production never falls back: a missing secret there is a deployment error, and so is one
    shorter than ``MIN_SECRET_KEY_LENGTH`` characters.
    """
    generate = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if environment == "production" and not configured:
        raise ConfigError(f"{env_var('SECRET_KEY')} must be set in production ({generate})")
    if environment == "production" and len(configured or "") < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"{env_var('SECRET_KEY')} must be at least {MIN_SECRET_KEY_LENGTH} characters in "
            f"production, not {len(configured or '')} ({generate})"
        )
    if configured:
        return configured
    secret = _read_secret_file()
    if secret is None:
        log.warning(
            "no %s and no %s file: using a throwaway secret", env_var("SECRET_KEY"), SECRET_KEY_FILE
        )
        secret = secrets.token_urlsafe(48)
    return secret


@dataclass(frozen=True)
class DatabaseURL:
    """A checked ``{{ cookiecutter.__env_prefix }}DATABASE_URL``, in the SQLAlchemy URL syntax.

    ``sqlite:///relative/path.sqlite3`` (relative to the current directory, as in SQLAlchemy),
    ``sqlite:////absolute/path.sqlite3``, or
    ``postgresql://user:password@host:port/database`` (driven by psycopg 3).
    """

    url: str
    scheme: str
    parts: SplitResult

    @property
    def sqlite_path(self) -> Path | None:
        """The database file of an SQLite URL; None for any other database."""
        if self.scheme != "sqlite":
            return None
        return Path(unquote(self.parts.path[1:]))

    @property
    def sqlalchemy_url(self) -> str:
        """The URL for SQLAlchemy, which needs the psycopg 3 driver named."""
        if self.scheme == "postgresql":
            return self.parts._replace(scheme="postgresql+psycopg").geturl()
        return self.url

    @property
    def database(self) -> str:
        """The file of an SQLite database, the database name of a PostgreSQL one."""
        return str(self.sqlite_path) if self.sqlite_path else unquote(self.parts.path[1:])

    def redacted(self) -> str:
        """The URL without its password, safe to log."""
        if self.parts.password is None:
            return self.url
        netloc = self.parts.netloc.replace(f":{self.parts.password}@", ":***@", 1)
        return self.parts._replace(netloc=netloc).geturl()

    def ensure_directory(self) -> None:
        """Create the folder of an SQLite file, as a fresh checkout has no ``var/`` yet."""
        if self.sqlite_path is not None:
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)


def default_database_url(environment: str) -> str:
    """One SQLite file per environment under the project's ``var/`` folder."""
    return f"sqlite:///{PROJECT_ROOT / VAR_DIR_NAME / environment}.sqlite3"


def check_database_url(value: Any, name: str = "DATABASE_URL") -> DatabaseURL:
    """Parse and check a database URL; ``name`` is the setting it came from, for the error."""
    expected = " or ".join(f"{scheme}://" for scheme in DATABASE_SCHEMES)
    problem = f"{env_var(name)} must be a {expected} URL"
    if not isinstance(value, str) or "://" not in value:
        raise ConfigError(f"{problem}, not {value!r}")
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 (a bad port raises ValueError only when read)
    except ValueError:
        raise ConfigError(f"{problem}; this one does not parse") from None
    scheme = {"postgresql+psycopg": "postgresql", "sqlite+pysqlite": "sqlite"}.get(
        parts.scheme, parts.scheme
    )
    if scheme not in DATABASE_SCHEMES:
        note = f" ({DATABASE_NOTE})" if DATABASE_NOTE else ""
        raise ConfigError(f"{problem}{note}, not a {parts.scheme or 'scheme-less'}:// one")
    url = DatabaseURL(value.strip(), scheme, parts)
    if scheme == "sqlite" and (parts.netloc or len(parts.path) < 2 or parts.query):
        raise ConfigError(f"{problem}: sqlite:///path/to/file.sqlite3 (three slashes, then a path)")
    if scheme == "postgresql" and not url.database:
        raise ConfigError(
            f"{problem}: postgresql://user:password@host:port/database names a database"
        )
    return url


def database_url(environment: str) -> DatabaseURL:
    """The database from ``{{ cookiecutter.__env_prefix }}DATABASE_URL``, or the environment's SQLite file."""
    return check_database_url(from_environ("DATABASE_URL") or default_database_url(environment))


def check_redis_url(value: Any) -> str:
    """``{{ cookiecutter.__env_prefix }}REDIS_URL``: a ``redis://``, ``rediss://`` (TLS) or ``unix://`` URL."""
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
        port = parts.port if parts else None
    except ValueError:
        parts, port = None, None
    valid = parts is not None and parts.scheme in REDIS_SCHEMES
    if valid and parts is not None and parts.scheme != "unix":
        valid = bool(parts.hostname) and (port is None or 1 <= port <= 65535)
    if not valid:
        raise ConfigError(
            f"{env_var('REDIS_URL')} must be a redis://host:port/db, rediss:// or unix:// URL, "
            f"not {value!r}"
        )
    return str(value)


def listen_error(host: str, port: int, error: OSError, name: str = "PORT") -> ConfigError | None:
    """The one-line error, naming the variable ``name``, for an address the server cannot listen
    on (taken, not allowed, not this machine's); None for any other OSError."""
    if error.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
        return None
    return ConfigError(f"{env_var(name)}: cannot listen on {host}:{port} ({error.strerror})")


def check_can_listen(host: str, port: int, name: str = "PORT") -> None:
    """Bind ``host:port`` once and let it go, for a server that would otherwise retry or print a
    traceback when it cannot listen there (gunicorn retries five times, then exits 1)."""
    try:
        address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(address[0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address[4])
    except OSError as error:
        problem = listen_error(host, port, error, name)
        if problem is None:
            raise
        raise problem from None


def pending_migrations_error(count: int) -> ConfigError:
    """Production never migrates by itself: the deployer runs the migrations, once."""
    return ConfigError(
        f"the database at {env_var('DATABASE_URL')} has {count} pending migration(s): "
        f"run `{MIGRATE_COMMAND}` first"
    )


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
