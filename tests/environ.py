"""The environment a baked project runs in, for the repo's tests and the benchmarks alike."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# Settings of the test runner's own virtual environment, coverage and pytest plugins would leak
# into the project's processes. PYTHONDONTWRITEBYTECODE goes too: as on a developer's machine,
# the project's venv keeps the bytecode it compiles; with it set, every server, script and
# suite started compiled its imports again (2-4 s of CPU each for a framework + data layer).
DROPPED = (
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
    "COV_CORE_SOURCE",
    "COV_CORE_CONFIG",
    "COV_CORE_DATAFILE",
)


def clean_environ(prefix: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any setting that would leak into a baked project
    (``prefix``: the project's settings), plus ``extra``."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith((prefix, "PYTEST_")) and key not in DROPPED
    }
    environ.update(extra or {})
    return environ


def uv_binary() -> str | None:
    """uv from requirements-dev.txt, found beside this interpreter even when its venv is not
    activated (``.venv/bin/python -m pytest``): without it every install falls back to pip, which
    takes several times as long."""
    beside = Path(sys.executable).with_name("uv")
    return str(beside) if beside.is_file() else shutil.which("uv")
