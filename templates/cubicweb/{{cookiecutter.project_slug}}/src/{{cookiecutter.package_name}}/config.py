"""Load the application configuration: defaults, then the environment's ini file, then variables.

The ini files in ``config/`` follow Pyramid's layout: ``[app:main]`` holds the Pyramid and
CubicWeb settings (written into the instance's ``pyramid.ini`` when it is created, which CubicWeb
then reads on each start),
``[server:main]`` the waitress settings and ``[{{ cookiecutter.package_name }}]`` this application's own ones. Environment
variables prefixed with ``{{ cookiecutter.__env_prefix }}`` override them.
"""

from __future__ import annotations

import configparser
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import settings
from .settings import ConfigError

# Pyramid 1.10, which CubicWeb 5 requires, imports pkg_resources: silence its warning on each run.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)

CONFIG_DIR = Path(__file__).resolve().parent / "config"
APP_SECTION = "{{ cookiecutter.package_name }}"
DISTRIBUTION = "{{ cookiecutter.project_slug }}"
# Development has a convenient default; production must be told (see load_config).
ADMIN_LOGIN = "admin"
MIN_ADMIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class AppConfig:
    environment: str
    host: str
    port: int
    log_level: str
    secret_key: str
    admin_password: str
    # CubicWeb's instances directory (CW_INSTANCES_DIR): one instance folder per name.
    instance_dir: Path
    threads: int
    base_url: str
    ini_file: Path
    # The instance's database (DATABASE_URL): SQLite by default, or PostgreSQL.
    database: settings.DatabaseURL
    # Server-side sessions in Redis when set; signed cookie sessions otherwise.
    redis_url: str | None = None
    # Cookies only sent over HTTPS (production sits behind TLS).
    secure_cookies: bool = False
    # waitress answers 413 to a larger body and 431 to a larger request line + headers.
    max_body_bytes: int = 1024 * 1024
    max_header_bytes: int = 64 * 1024
    # Seconds a successful /health repository check is remembered; 0 checks on every request.
    health_check_interval: float = 1.0
    app_settings: dict[str, str] = field(default_factory=dict)

    @property
    def debug(self) -> bool:
        return self.environment == "development"

    @property
    def instance_name(self) -> str:
        return self.app_settings["cubicweb.instance"]


def ini_file(environment: str) -> Path:
    return CONFIG_DIR / f"{environment}.ini"


def default_instance_dir(environment: str) -> Path:
    """Beside the sources in a checkout; in the user's data directory once installed.

    Each environment has its own directory, so a development run never touches production data.
    """
    if (settings.PROJECT_ROOT / "pyproject.toml").is_file():
        return settings.PROJECT_ROOT / "var" / environment
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / DISTRIBUTION / environment


def check_threads(value: object) -> int:
    try:
        threads = int(str(value))
    except ValueError:
        threads = 0
    if threads < 1:
        raise ConfigError(
            f"{settings.env_var('THREADS')} must be a positive integer, not {value!r}"
        )
    return threads


def check_size(name: str, value: object) -> int:
    try:
        size = int(str(value))
    except ValueError:
        size = 0
    if size < 1024:
        raise ConfigError(f"{name} must be a number of bytes of at least 1024, not {value!r}")
    return size


def check_interval(name: str, value: object) -> float:
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:  # also refuses nan
        raise ConfigError(f"{name} must be a number of seconds from 0 to 3600, not {value!r}")
    return seconds


def check_base_url(value: str, host: str, port: int) -> str:
    """The public URL of the site; by default where the server listens."""
    if not value:
        return f"http://{host}:{port}/"
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{settings.env_var('BASE_URL')} must be an http(s) URL, not {value!r}")
    return value if value.endswith("/") else value + "/"


def check_admin_password(environment: str, value: str | None, default: str | None) -> str:
    """The password of the admin account: production wants its own, and a guessable one is
    refused there (the account can do anything, and ``upgrade`` logs in with it)."""
    name = settings.env_var("ADMIN_PASSWORD")
    if environment != "production":
        if not (value or default):
            raise ConfigError(f"{name} must not be empty")
        return value or default or ""
    if not value:
        raise ConfigError(
            f"{name} must be set in production: it becomes the password of the "
            f"{ADMIN_LOGIN!r} account when the instance is created"
        )
    if len(value) < MIN_ADMIN_PASSWORD_LENGTH or value.casefold() == ADMIN_LOGIN:
        raise ConfigError(
            f"{name} must have at least {MIN_ADMIN_PASSWORD_LENGTH} characters and differ "
            f"from the login {ADMIN_LOGIN!r} in production"
        )
    return value


def load_config(environ: Mapping[str, str] | None = None) -> AppConfig:
    """The configuration for ``{{ cookiecutter.__env_prefix }}ENV``; raise ConfigError on any bad value.

    The secret is checked first so that a production start without it fails before anything
    else is read or logged.
    """
    environ = os.environ if environ is None else environ

    def from_env(name: str) -> str | None:
        return environ.get(settings.env_var(name)) or None

    environment = settings.check_environment(from_env("ENV") or settings.DEFAULTS["ENV"])
    secret_key = settings.resolve_secret_key(environment, from_env("SECRET_KEY"))

    path = ini_file(environment)
    parser = configparser.ConfigParser()
    parser.read(path, encoding="utf-8")
    app_settings = dict(parser["app:main"])
    server = {**settings.DEFAULTS, **parser["server:main"]}
    own = dict(parser[APP_SECTION])

    admin_password = check_admin_password(
        environment, from_env("ADMIN_PASSWORD"), own.get("admin_password")
    )

    instance_dir = from_env("INSTANCE_DIR")
    host = settings.check_host(from_env("HOST") or server["host"])
    port = settings.check_port(from_env("PORT") or server["port"])
    return AppConfig(
        environment=environment,
        host=host,
        port=port,
        log_level=settings.check_log_level(
            from_env("LOG_LEVEL") or own.get("log_level") or settings.DEFAULTS["LOG_LEVEL"]
        ),
        secret_key=secret_key,
        admin_password=admin_password,
        instance_dir=Path(instance_dir).resolve()
        if instance_dir
        else default_instance_dir(environment),
        threads=check_threads(from_env("THREADS") or server.get("threads", 4)),
        base_url=check_base_url(from_env("BASE_URL") or own.get("base_url") or "", host, port),
        ini_file=path,
        database=settings.check_database_url(
            from_env("DATABASE_URL") or settings.default_database_url(environment)
        ),
        redis_url=settings.check_redis_url(redis) if (redis := from_env("REDIS_URL")) else None,
        app_settings=app_settings,
        secure_cookies=settings.check_bool(
            from_env("SECURE_COOKIES") or own.get("secure_cookies", "no"), "SECURE_COOKIES"
        ),
        max_body_bytes=check_size(
            settings.env_var("MAX_BODY_BYTES"),
            from_env("MAX_BODY_BYTES") or server.get("max_request_body_size", 1024 * 1024),
        ),
        max_header_bytes=check_size(
            f"max_request_header_size in {path.name}",
            server.get("max_request_header_size", 64 * 1024),
        ),
        health_check_interval=check_interval(
            settings.env_var("HEALTH_CHECK_INTERVAL"),
            from_env("HEALTH_CHECK_INTERVAL") or own.get("health_check_interval", 1.0),
        ),
    )
