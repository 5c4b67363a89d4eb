"""Post-generation assembly: lay the chosen framework's files over the common skeleton.

The overlay in ``templates/<framework>/`` is itself a cookiecutter project directory, rendered
with cookiecutter's own ``generate_files`` and the same context, so it gets the same filters,
``_copy_without_render`` rules and file-name rendering as the skeleton.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Any

from cookiecutter.generate import generate_files

SECRET_KEY_FILE = ".secret_key"
DOCKER_FILES = ("Dockerfile", ".dockerignore")
# The compose stack runs `<slug> migrate`: only for frameworks that have a data layer.
COMPOSE_FILES = ("compose.yaml", ".env.example")
# Per-test databases cloned from a migrated one (psycopg), for frameworks that ask for it.
MIGRATED_DATABASES = "tests/migrated_databases.py"


def add_framework_files(answers: dict[str, Any], repo_dir: Path, project_dir: Path) -> None:
    generate_files(
        repo_dir=repo_dir / "templates" / answers["framework"],
        context={"cookiecutter": answers},
        output_dir=project_dir.parent,
        overwrite_if_exists=True,
        accept_hooks=False,
    )


def read_framework_info(repo_dir: Path, framework: str) -> dict[str, Any]:
    return json.loads((repo_dir / "templates" / framework / "framework.json").read_text())


def move_shared_tests(info: dict[str, Any], project_dir: Path) -> None:
    """The skeleton's tests live in ``tests/``; a framework may keep its tests elsewhere."""
    tests_dir = info.get("tests_dir", "tests")
    if tests_dir == "tests":
        return
    shared = project_dir / "tests"
    for path in shared.iterdir():
        shutil.move(path, project_dir / tests_dir / path.name)
    shared.rmdir()


def write_development_secret(project_dir: Path) -> None:
    """A per-project development secret; .gitignore keeps it out of version control."""
    path = project_dir / SECRET_KEY_FILE
    path.write_text(secrets.token_urlsafe(48) + "\n", encoding="utf-8")
    path.chmod(0o600)


def assemble(answers: dict[str, Any], repo_dir: str) -> None:
    project_dir = Path.cwd()
    info = read_framework_info(Path(repo_dir), answers["framework"])
    add_framework_files(answers, Path(repo_dir), project_dir)
    if not info.get("migrated_test_databases"):
        (project_dir / MIGRATED_DATABASES).unlink()
    move_shared_tests(info, project_dir)
    unwanted = () if answers["use_docker"] else DOCKER_FILES + COMPOSE_FILES
    if not info.get("data_layer"):
        unwanted += COMPOSE_FILES
    for name in unwanted:
        (project_dir / name).unlink(missing_ok=True)
    write_development_secret(project_dir)
