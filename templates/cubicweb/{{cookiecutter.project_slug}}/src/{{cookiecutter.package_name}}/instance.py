"""The CubicWeb instance: its files under ``INSTANCE_DIR``, its data at ``DATABASE_URL``.

CubicWeb's own commands do the work: ``cubicweb-ctl create`` writes the files and compiles the
translation catalogs, ``db-create`` fills the database (tables, accounts, the cubes'
``migration/postcreate.py``), ``upgrade`` runs the cubes' versioned migration scripts.
"""

from __future__ import annotations

import configparser
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import settings
from .config import ADMIN_LOGIN, AppConfig
from .settings import ConfigError, DatabaseURL

log = logging.getLogger(__name__)

CUBE = "{{ cookiecutter.package_name }}"
ANONYMOUS_LOGIN = "anon"
# Written last by a successful db-create (cubicweb's postcreate), read to tell a finished
# database from a half-made one.
VERSION_KEY = "system.version."
# SQLite instances are built under this suffix, then renamed: an interrupted run leaves no
# half-made database behind.
CREATING_SUFFIX = ".creating"
# cubicweb-ctl underlines its titles with terminal escapes.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# The instance's Pyramid settings, read by cubicweb.pyramid.settings_from_cwconfig (and the
# debug-mode variant it prefers when present).
PYRAMID_INI_FILES = ("pyramid-debug.ini", "pyramid.ini")
# Derived from SECRET_KEY on each start (wsgi.py), never written to a file.
SECRET_SETTINGS = (
    "cubicweb.session.secret",
    "cubicweb.auth.authtkt.session.secret",
    "cubicweb.auth.authtkt.persistent.secret",
)
# A comment of the pyramid.ini `cubicweb-ctl create` writes: database sessions, random
# secrets. Replaced by this project's on creation (and on the next start for older instances).
CUBICWEB_CTL_PYRAMID_INI = "# How to use cubicweb.includes?"
# Set at run time from the environment, not in pyramid.ini.
RUNTIME_APP_SETTINGS = ("cubicweb.instance", "cubicweb.debug")
PYRAMID_INI_HEADER = f"""\
# The Pyramid settings of this instance, read by CubicWeb (cubicweb.pyramid.settings_from_cwconfig)
# on each start. Written from the [app:main] section of the project's config/<environment>.ini
# when the instance was created; edits made here are kept. No secrets here: they are derived
# from {settings.env_var("SECRET_KEY")}. Sessions live in Redis or a signed cookie ({CUBE}.sessions).
"""


class InstanceError(RuntimeError):
    """A cubicweb-ctl command failed; the message is one line, the output was logged."""


def apphome(config: AppConfig) -> Path:
    return config.instance_dir / config.instance_name


def files_exist(config: AppConfig) -> bool:
    return (apphome(config) / "all-in-one.conf").is_file()


def cubicweb_environ(config: AppConfig) -> dict[str, str]:
    """CubicWeb reads any option from a ``CW_<OPTION>`` variable: point it at this instance."""
    return {
        "CW_INSTANCES_DIR": str(config.instance_dir),
        "CW_INSTANCES_DATA_DIR": str(config.instance_dir),
        "CW_RUNTIME_DIR": str(config.instance_dir),
        # Every absolute URL (links, RDF IRIs, also of entities created by db-create, upgrade
        # or shell) is made on this URL.
        "CW_BASE_URL": config.base_url,
        "CW_LOG_THRESHOLD": config.log_level,
    }


def pyramid_ini_settings(config: AppConfig) -> dict[str, str]:
    """The ``[app:main]`` settings a new instance's ``pyramid.ini`` gets."""
    return {
        name: value
        for name, value in config.app_settings.items()
        if name not in RUNTIME_APP_SETTINGS
    }


def write_pyramid_ini(config: AppConfig) -> None:
    """Write the instance's ``pyramid.ini`` unless it is there already (a deployer's edits are
    kept) and not the one ``cubicweb-ctl create`` writes; refuse one that holds a secret."""
    home = apphome(config)
    path = home / "pyramid.ini"
    text = path.read_text(encoding="utf-8") if path.is_file() else None
    if text is None or CUBICWEB_CTL_PYRAMID_INI in text:
        parser = configparser.ConfigParser(interpolation=None)
        parser["main"] = pyramid_ini_settings(config)
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(PYRAMID_INI_HEADER)
            parser.write(stream)
    for name in PYRAMID_INI_FILES:
        if (home / name).is_file():
            check_pyramid_ini(home / name)


def check_pyramid_ini(path: Path) -> None:
    """A one-line error for what CubicWeb would fail on with a traceback (read as
    ``settings_from_cwconfig`` reads it), or for a secret written down."""
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
        parser.items("main")
    except (configparser.Error, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0]
        raise ConfigError(f"{path} cannot be read as CubicWeb reads it: {reason}") from None
    for secret in SECRET_SETTINGS:
        if parser.has_option("main", secret):
            raise ConfigError(
                f"{path} must not set {secret}: the secrets are derived from "
                f"{settings.env_var('SECRET_KEY')}, remove the line"
            )


def system_source(database: DatabaseURL) -> dict[str, str]:
    """The database URL as the ``[system]`` options of CubicWeb's ``sources`` file."""
    if database.sqlite_path is not None:
        return {"db-driver": "sqlite", "db-name": str(database.sqlite_path.resolve())}
    parts = database.parts
    return {
        "db-driver": "postgres",
        "db-host": parts.hostname or "",
        "db-port": str(parts.port or ""),
        "db-name": database.database,
        "db-user": unquote(parts.username or ""),
        "db-password": unquote(parts.password or ""),
    }


def write_sources(config: AppConfig, database_name: str | None = None) -> None:
    """Rewrite the ``sources`` file (mode 0600) from the settings, on every run.

    The ``[admin]`` account is what db-create creates and what ``upgrade`` logs in with.
    """
    path = apphome(config) / "sources"
    sources = configparser.ConfigParser(interpolation=None)
    sources.read(path, encoding="utf-8")
    system = system_source(config.database)
    if database_name is not None:
        system["db-name"] = database_name
    previous = dict(sources["system"]) if sources.has_section("system") else {}
    sources["system"] = {**previous, **system}
    sources["admin"] = {"login": ADMIN_LOGIN, "password": config.admin_password}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8") as stream:
        sources.write(stream, space_around_delimiters=False)


@contextmanager
def database_connection(config: AppConfig) -> Iterator[Any]:
    """A DB-API connection through logilab-database, the layer CubicWeb itself uses."""
    from logilab.database import get_connection

    source = system_source(config.database)
    if source["db-driver"] == "sqlite":
        connection = get_connection("sqlite", database=source["db-name"])
    else:
        connection = get_connection(
            "postgres",
            host=source["db-host"] or None,
            port=source["db-port"] or None,
            database=source["db-name"],
            user=source["db-user"] or None,
            password=source["db-password"] or None,
        )
    with closing(connection):
        yield connection


def stored_versions(config: AppConfig) -> dict[str, str] | None:
    """The versions the database was created or last migrated with; None when it is empty.

    Raises InstanceError for a database that has CubicWeb's tables but no versions: a
    creation that was interrupted.
    """
    path = config.database.sqlite_path
    if path is not None and not path.is_file():
        return None
    try:
        with database_connection(config) as connection:
            cursor = connection.cursor()
            tables = (
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'entities'"
                if path is None
                else "SELECT COUNT(*) FROM sqlite_master WHERE name = 'entities'"
            )
            cursor.execute(tables)
            if not cursor.fetchone()[0]:
                return None
            cursor.execute(
                "SELECT cw_pkey, cw_value FROM cw_CWProperty WHERE cw_pkey LIKE %(prefix)s",
                {"prefix": VERSION_KEY + "%"},
            )
            versions = {key.removeprefix(VERSION_KEY): value for key, value in cursor.fetchall()}
    except Exception as error:  # any driver's error: unreachable server, bad password...
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise InstanceError(
            f"cannot read the database at {config.database.redacted()}: {message}"
        ) from None
    if CUBE not in versions:
        raise InstanceError(
            f"the database at {config.database.redacted()} holds a half-created instance: "
            f"drop it (or delete the file), then run `{settings.MIGRATE_COMMAND}`"
        )
    return versions


def installed_versions(config: AppConfig) -> dict[str, str]:
    """The versions of CubicWeb and of every cube of the instance, as installed now."""
    from cubicweb.cwconfig import CubicWebConfiguration

    os.environ.update(cubicweb_environ(config))
    cwconfig = CubicWebConfiguration.config_for(config.instance_name)
    cwconfig.bootstrap_cubes()  # the cubes named in all-in-one.conf, with their dependencies
    versions = {"cubicweb": str(cwconfig.cubicweb_version())}
    for cube in cwconfig.cubes():
        versions[cube] = str(cwconfig.cube_version(cube))
    return versions


def pending_migrations(config: AppConfig) -> int:
    """How many cubes (CubicWeb included) are newer than the database; 1 for an empty one."""
    from logilab.common.changelog import Version

    if not files_exist(config):
        return 1
    write_sources(config)
    stored = stored_versions(config)
    if stored is None:
        return 1
    return sum(
        1
        for cube, version in installed_versions(config).items()
        if Version(stored.get(cube, "0.0.0")) < Version(version)
    )


def cubicweb_ctl(config: AppConfig, *args: str, extra_env: dict[str, str] | None = None) -> None:
    """Run one cubicweb-ctl command, its output logged line by line as progress."""
    environ = {**os.environ, **cubicweb_environ(config), **(extra_env or {})}
    command = [sys.executable, "-m", "cubicweb", *args]
    # Only the command and the instance: options may carry passwords.
    log.info("running cubicweb-ctl %s %s", args[0], args[-1])
    tail: deque[str] = deque(maxlen=20)
    with subprocess.Popen(
        command,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for raw_line in process.stdout:
            line = ANSI_ESCAPE.sub("", raw_line).rstrip()
            if line.strip() and "pkg_resources" not in line:
                tail.append(line)
                log.info("  %s", line)
    output = "\n".join(tail)
    failed = process.returncode != 0 or "creation not completed" in output
    # Without a valid admin account upgrade asks for one, reads EOF and exits 0 all the same.
    if failed or "Failed to authenticate" in output or "aborting..." in output:
        last = tail[-1] if tail else f"exit status {process.returncode}"
        raise InstanceError(f"cubicweb-ctl {args[0]} failed: {last}")


def create_files(config: AppConfig) -> None:
    """``cubicweb-ctl create`` in a scratch folder, renamed into place once complete."""
    target = apphome(config)
    scratch = config.instance_dir / (CREATING_SUFFIX + "-files")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    scratch_config = _with_instance_dir(config, scratch)
    # --automatic never prompts. Without an anonymous account visitors who are not logged in
    # get 404 everywhere; its password only matters to CubicWeb, which logs visitors in.
    database = {
        "CW_" + option.upper().replace("-", "_"): value
        for option, value in system_source(config.database).items()
    }
    cubicweb_ctl(
        scratch_config,
        "create",
        "--automatic",
        "--no-db-create",
        CUBE,
        config.instance_name,
        extra_env=database,
    )
    write_pyramid_ini(scratch_config)  # in place of cubicweb-ctl's, before anything reads it
    anonymous = f"anonymous-user:{ANONYMOUS_LOGIN},anonymous-password:{secrets.token_urlsafe(24)}"
    cubicweb_ctl(scratch_config, "configure", "--param", anonymous, config.instance_name)
    # The one file that records its own path (the pid file of `cubicweb-ctl start`).
    conf = apphome(scratch_config) / "all-in-one.conf"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace(str(scratch), str(config.instance_dir)),
        encoding="utf-8",
    )
    os.replace(apphome(scratch_config), target)
    shutil.rmtree(scratch, ignore_errors=True)


def _with_instance_dir(config: AppConfig, instance_dir: Path) -> AppConfig:
    from dataclasses import replace

    return replace(config, instance_dir=instance_dir)


def create_database(config: AppConfig) -> None:
    """``cubicweb-ctl db-create`` into the configured database.

    SQLite: into a scratch file renamed at the end. PostgreSQL: into the existing, empty
    database the URL names (``--create-db=n``: creating databases is the DBA's job).
    """
    path = config.database.sqlite_path
    if path is None:
        write_sources(config)
        cubicweb_ctl(config, "db-create", "--automatic", "--create-db=n", config.instance_name)
        return
    path = path.resolve()
    scratch = path.with_name(path.name + CREATING_SUFFIX)
    scratch.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_sources(config, database_name=str(scratch))
    try:
        cubicweb_ctl(config, "db-create", "--automatic", config.instance_name)
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)
        write_sources(config)


def catalogs_compiled(config: AppConfig) -> bool:
    """Whether the instance has compiled translations (``create`` and ``upgrade`` compile them)."""
    return any((apphome(config) / "i18n").glob("*/LC_MESSAGES/cubicweb.mo"))


def migrate(config: AppConfig) -> str:
    """Create the instance, or apply its pending migrations; say which."""
    config.instance_dir.mkdir(parents=True, exist_ok=True)
    if not files_exist(config):
        log.info("writing the instance's files in %s", apphome(config))
        create_files(config)
    write_sources(config)
    if stored_versions(config) is None:
        log.info("creating the instance in %s (takes a while)", config.database.redacted())
        create_database(config)
        return "created"
    if not pending_migrations(config):
        if not catalogs_compiled(config):
            # An instance created before the cube shipped catalogs shows message ids.
            cubicweb_ctl(config, "i18ninstance", config.instance_name)
            return "translations compiled"
        return "up to date"
    cubicweb_ctl(
        config, "upgrade", "--force", "--verbosity=0", "--backup-db=n", config.instance_name
    )
    return "migrated"


RelationDefinition = tuple[str, str, str, tuple[str, ...]]


def schema_shape(schema: Any) -> set[RelationDefinition]:
    """Every relation definition of the entity types, attributes included:
    (entity type, relation type, role, target types)."""
    return {
        (eschema.type, rschema.type, role, tuple(sorted(target.type for target in targets)))
        for eschema in schema.entities()
        if not eschema.final
        for rschema, targets, role in eschema.relation_definitions(include_final=True)
    }


def schema_changes(repo: Any) -> list[str]:
    """What the cube's code defines differently from the schema stored in the database
    (CubicWeb loads the latter; ``load_schema`` reads the former from the cubes' files)."""
    in_code = schema_shape(repo.config.load_schema(expand_cubes=True))
    in_database = schema_shape(repo.schema)
    changes = [f"{etype}.{rtype} added" for etype, rtype, _, _ in in_code - in_database]
    changes += [f"{etype}.{rtype} removed" for etype, rtype, _, _ in in_database - in_code]
    return sorted(set(changes))


def check_schema(repo: Any) -> None:
    """Refuse a schema changed in the code while the cube's version stayed the same: CubicWeb
    would run without the change (no migration applies), then fail on the first query using it.

    A newer cube version is pending migrations, reported elsewhere.
    """
    stored = repo.get_versions().get(CUBE)
    version = repo.config.cube_version(CUBE)
    if stored is None or tuple(stored) != tuple(version):
        return
    changes = schema_changes(repo)
    if changes:
        shown = ", ".join(changes[:3]) + (", ..." if len(changes) > 3 else "")
        raise ConfigError(
            f"the schema of cube {CUBE} changed ({shown}) but its version is still {version}: "
            f"raise the version in pyproject.toml and reinstall, add "
            f"migration/<new version>_Any.py applying the change, then run "
            f"`{settings.MIGRATE_COMMAND}`"
        )


def check_instance_schema(config: AppConfig) -> None:
    """``check_schema`` on a repository opened for the purpose (``migrate`` with nothing to do)."""
    from cubicweb.cwconfig import CubicWebConfiguration

    os.environ.update(cubicweb_environ(config))
    repo = CubicWebConfiguration.config_for(config.instance_name).repository()
    try:
        check_schema(repo)
    finally:
        repo.shutdown()
