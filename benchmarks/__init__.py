"""Benchmarks of the starters against the bare frameworks: ``python -m benchmarks``."""

import sys
from pathlib import Path

# The process/HTTP helpers every generated project ships (live_server.py) serve here too.
SKELETON_DIR = str(Path(__file__).resolve().parent.parent / "{{cookiecutter.project_slug}}")
if SKELETON_DIR not in sys.path:
    sys.path.append(SKELETON_DIR)
