"""Command-line tools from requirements-dev.txt, found beside this interpreter when the venv is
not activated (as in an IDE or ``/path/to/venv/bin/python -m pytest``)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

BIN_DIR = Path(sys.executable).parent


def tool(name: str) -> str:
    beside = BIN_DIR / name
    return str(beside) if beside.exists() else shutil.which(name) or name
