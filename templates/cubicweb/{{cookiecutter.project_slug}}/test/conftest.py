"""Shared test set-up.

CubicWebTC builds a template database once and caches it in ``data/database/`` (git-ignored),
and so does it for a class that names a ``test_db_id`` the database its ``pre_setup_database``
fills (restored, not rebuilt, for each of its tests). The cache is keyed by the test instance,
not by the schema or that code, so a changed schema would fail with "no such column": the cache
is cleared whenever the cube's schema or migration scripts or a ``pre_setup_database`` change.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cubicweb.devtools import DEFAULT_SOURCES
from cubicweb.devtools.apptest_config import ApptestConfiguration
from cubicweb.server.utils import _CRYPTO_CTX

import cubicweb_{{ cookiecutter.package_name }}
from {{ cookiecutter.package_name }} import instance, settings

DATA_DIR = Path(__file__).resolve().parent / "data"
DATABASE_CACHE = DATA_DIR / "database"
HASH_FILE = DATABASE_CACHE / "schema.sha256"
SUMMARY_ATTRIBUTE = """\
from yams.buildobjs import RelationDefinition


class summary(RelationDefinition):
    subject = "Article"
    object = "String"
"""
# sha512_crypt's fewest rounds (production: passlib's default, about 656,000, some 0.15 s of CPU
# per hash and per password check). See cheap_password_hashing.
TEST_HASH_ROUNDS = 1000
CUBE_DIR = Path(cubicweb_{{ cookiecutter.package_name }}.__file__).resolve().parent


def pre_setup_sources() -> Iterator[str]:
    """The code of each test class's ``pre_setup_database``."""
    for path in sorted(Path(__file__).resolve().parent.glob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and node.name == "pre_setup_database":
                yield f"{path.name}:{ast.get_source_segment(source, node)}"


def schema_fingerprint() -> str:
    """A digest of every file and function that shapes the test databases."""
    digest = hashlib.sha256()
    sources = [CUBE_DIR / "schema.py", *sorted((CUBE_DIR / "migration").glob("*.py"))]
    for path in [*sources, DATA_DIR / "bootstrap_cubes"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for source in pre_setup_sources():
        digest.update(source.encode())
    # The cached accounts' hashes are checked at the rounds they were made with.
    digest.update(f"sha512_crypt rounds {TEST_HASH_ROUNDS}".encode())
    return digest.hexdigest()


def refresh_database_cache() -> None:
    fingerprint = schema_fingerprint()
    if HASH_FILE.is_file() and HASH_FILE.read_text(encoding="utf-8") == fingerprint:
        return
    shutil.rmtree(DATABASE_CACHE, ignore_errors=True)
    DATABASE_CACHE.mkdir(parents=True)
    HASH_FILE.write_text(fingerprint, encoding="utf-8")


def use_test_database_url() -> None:
    """A PostgreSQL ``TEST_DATABASE_URL``: CubicWeb's devtools run every test on PostgreSQL.

    The URL names a server, and a user who may create databases: devtools builds a template
    database there and copies it for every test (``CREATE DATABASE ... TEMPLATE``).
    """
    url = os.environ.get(settings.env_var("TEST_DATABASE_URL"))
    if not url:
        return
    source = instance.system_source(settings.check_database_url(url, "TEST_DATABASE_URL"))
    if source["db-driver"] == "sqlite":
        return
    system = {**DEFAULT_SOURCES["system"], **source, "db-name": "cw_test"}
    ApptestConfiguration.default_sources = {**DEFAULT_SOURCES, "system": system}


refresh_database_cache()
use_test_database_url()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Hash passwords with the fewest rounds in this process, as Django's docs advise for tests.

    Each ``create_user`` and each HTTP Basic check otherwise costs some 0.15 s of CPU, a third of
    the suite's time. The strength of a hash is no claim of these tests. CubicWeb's one context
    is changed in place (its ``verify_and_update`` is bound to it), before the cached template
    database and its admin are made, and restored at the end; servers and ``cubicweb-ctl``
    commands the tests start run in processes of their own, with production's rounds.
    """
    production = _CRYPTO_CTX.copy()
    _CRYPTO_CTX.update(sha512_crypt__default_rounds=TEST_HASH_ROUNDS)
    yield
    _CRYPTO_CTX.load(production)


@pytest.fixture
def schema_change() -> Iterator[Callable[[Path], None]]:
    """Add ``Article.summary`` to the schema CubicWeb loads from the code, as an edit of the cube's
    ``schema.py`` would (through the instance's own ``schema.py``, which CubicWeb also reads)."""
    homes: list[Path] = []

    def change(apphome: Path) -> None:
        (apphome / "schema.py").write_text(SUMMARY_ATTRIBUTE, encoding="utf-8")
        homes.append(apphome)

    yield change
    for home in homes:
        (home / "schema.py").unlink(missing_ok=True)
    sys.modules.pop("schema", None)
