"""The CubicWeb instance this application serves: a SQLite database and its config files.

An instance is created once, by CubicWeb's own ``cubicweb-ctl create`` (configuration files,
i18n catalogs, database schema, ``migration/postcreate.py``), on the first start.
"""

from __future__ import annotations

import configparser
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

from .config import ADMIN_LOGIN, AppConfig

log = logging.getLogger(__name__)

CUBE = "{{ cookiecutter.package_name }}"
ANONYMOUS_LOGIN = "anon"


class InstanceCreationError(RuntimeError):
    """cubicweb-ctl failed to create the instance; the message carries its output."""


def apphome(config: AppConfig) -> Path:
    return config.instance_dir / config.instance_name


def database_path(config: AppConfig) -> Path:
    return apphome(config) / f"{config.instance_name}.sqlite"


def cubicweb_environ(config: AppConfig) -> dict[str, str]:
    """CubicWeb reads any option from a ``CW_<OPTION>`` variable: point it at this instance."""
    return {
        "CW_INSTANCES_DIR": str(config.instance_dir),
        "CW_INSTANCES_DATA_DIR": str(config.instance_dir),
        "CW_RUNTIME_DIR": str(config.instance_dir),
    }


def exists(config: AppConfig) -> bool:
    return (apphome(config) / "all-in-one.conf").is_file() and database_path(config).is_file()


def cubicweb_ctl(config: AppConfig, *args: str, extra_env: dict[str, str] | None = None) -> None:
    environ = {**os.environ, **cubicweb_environ(config), **(extra_env or {})}
    command = [sys.executable, "-m", "cubicweb", *args]
    completed = subprocess.run(
        command, env=environ, capture_output=True, text=True, check=False, timeout=600
    )
    if completed.returncode != 0 or "creation not completed" in completed.stdout:
        raise InstanceCreationError(
            f"cubicweb-ctl {' '.join(args)} failed:\n{completed.stdout}{completed.stderr}"
        )


def create(config: AppConfig) -> None:
    """Create the instance with cubicweb-ctl, on SQLite, with the configured admin password."""
    config.instance_dir.mkdir(parents=True, exist_ok=True)
    log.info("creating the CubicWeb instance in %s (first run)", apphome(config))
    sqlite = {"CW_DB_DRIVER": "sqlite", "CW_DB_NAME": str(database_path(config))}
    name = config.instance_name
    # --automatic never prompts; it sets a random admin password that configure() replaces.
    cubicweb_ctl(config, "create", "--automatic", "--no-db-create", CUBE, name, extra_env=sqlite)
    configure(config)
    # Creates the tables, the admin account and runs the cubes' migration/postcreate.py.
    cubicweb_ctl(config, "db-create", "--automatic", name, extra_env=sqlite)
    if not exists(config):
        raise InstanceCreationError(f"no database at {database_path(config)} after creation")
    log.info("instance created; log in as %r with the configured admin password", ADMIN_LOGIN)


def configure(config: AppConfig) -> None:
    """Write this project's choices into the instance's files before the database exists."""
    # Without an anonymous account, visitors who are not logged in get 404 everywhere; its
    # password only matters to CubicWeb, which logs visitors in with it.
    anonymous = f"anonymous-user:{ANONYMOUS_LOGIN},anonymous-password:{secrets.token_urlsafe(24)}"
    cubicweb_ctl(config, "configure", "--param", anonymous, config.instance_name)
    # The sources file (0600) holds the database settings and the account db-create makes.
    path = apphome(config) / "sources"
    sources = configparser.ConfigParser(interpolation=None)
    sources.read(path, encoding="utf-8")
    sources["admin"] = {"login": ADMIN_LOGIN, "password": config.admin_password}
    sources["system"].update({"db-driver": "sqlite", "db-name": str(database_path(config))})
    with path.open("w", encoding="utf-8") as stream:
        sources.write(stream, space_around_delimiters=False)


def ensure(config: AppConfig) -> None:
    if not exists(config):
        create(config)
