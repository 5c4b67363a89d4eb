"""Interpreters for the Python versions a baked project promises, found at run time.

A version is ``"3.12"`` (CPython) or ``"pypy3.11"``, as in framework.json's ``python_versions``.
pyenv is asked first (its shims for other versions fail unless pyenv's global setting names
them, so the interpreter is taken from ``$(pyenv root)/versions``), then ``python3.12`` /
``pypy3.11`` on PATH (as actions/setup-python installs them). Every candidate is run once to
prove it is that version; nothing is hard-coded, so a fresh machine finds its own.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import framework_info

PROBE = "import sys; print(sys.implementation.name, *sys.version_info[:2], sep=':')"


def running_version() -> str:
    prefix = "pypy" if sys.implementation.name == "pypy" else ""
    return f"{prefix}{sys.version_info.major}.{sys.version_info.minor}"


def split(version: str) -> tuple[str, str]:
    """``"pypy3.11"`` -> ``("pypy", "3.11")``; ``"3.12"`` -> ``("cpython", "3.12")``."""
    return ("pypy", version[4:]) if version.startswith("pypy") else ("cpython", version)


def pyenv_root() -> Path | None:
    pyenv = shutil.which("pyenv")
    if pyenv:
        result = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if result.returncode == 0 and result.stdout.strip():
            return Path(result.stdout.strip())
    root = os.environ.get("PYENV_ROOT")
    return Path(root) if root else None


def patch_level(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name))


def pyenv_candidates(version: str) -> list[Path]:
    root = pyenv_root()
    if root is None or not (root / "versions").is_dir():
        return []
    implementation, number = split(version)
    if implementation == "pypy":
        pattern, binary = re.compile(rf"pypy{re.escape(number)}-[\d.]+$"), "pypy3"
    else:
        # Final releases only: no "3.12-dev", "3.13.0t" (free-threaded) or "3.12.0rc1".
        pattern, binary = re.compile(rf"{re.escape(number)}\.\d+$"), "python3"
    found = [path for path in (root / "versions").iterdir() if pattern.match(path.name)]
    return [path / "bin" / binary for path in sorted(found, key=patch_level, reverse=True)]


def is_version(executable: Path, version: str) -> bool:
    try:
        result = subprocess.run(
            [str(executable), "-c", PROBE], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    implementation, number = split(version)
    return (
        result.returncode == 0
        and result.stdout.strip() == f"{implementation}:" + number.replace(".", ":")
    )


@functools.cache
def find_interpreter(version: str) -> Path | None:
    on_path = shutil.which(version if version.startswith("pypy") else f"python{version}")
    candidates = [*pyenv_candidates(version), *([Path(on_path)] if on_path else [])]
    return next((path for path in candidates if is_version(path, version)), None)


def is_promised(framework: str, python_version: str) -> bool:
    return python_version in framework_info(framework)["python_versions"]


def deselect_unpromised_versions(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The version x framework product holds pairs nobody promised."""
    kept, dropped = [], []
    for item in items:
        params = getattr(item, "callspec", None) and item.callspec.params
        unpromised = (
            params
            and "python_version" in params
            and not is_promised(params["framework"], params["python_version"])
        )
        (dropped if unpromised else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in split(version)[1].split("."))


def postgres_suite_version(framework: str) -> str | None:
    """The Python version whose run of the project's own suite uses PostgreSQL, or None.

    Each promised version already runs the whole suite once (on SQLite, the default); a separate
    PostgreSQL pass would run it a fourth time. Instead the newest other CPython version found
    here runs it on PostgreSQL (3.11 SQLite, 3.12 SQLite, 3.13 PostgreSQL), and the running
    version does so only when no other version is here, so every run still covers both.
    """
    info = framework_info(framework)
    if not info.get("data_layer") or "postgresql" not in info["database_schemes"]:
        return None
    others = [
        version
        for version in info["python_versions"]
        if version != running_version() and split(version)[0] == "cpython"
    ]
    found = [version for version in others if find_interpreter(version) is not None]
    return max(found, key=version_key) if found else running_version()
