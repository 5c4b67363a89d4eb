"""Guard for the promise that expensive session resources exist once per test run.

pytest-xdist workers are separate processes, so a count kept in memory cannot see a second
worker doing the same work: each claim is a file in a directory that every worker of the run
shares, created exclusively.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def run_root(factory: pytest.TempPathFactory) -> Path:
    """The directory of this run: under xdist each worker's basetemp is ``<root>/popen-gwN``."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def claim_once(factory: pytest.TempPathFactory, what: str) -> None:
    """Fail if ``what`` (e.g. "install flask on 3.11") was already claimed in this run."""
    claims = run_root(factory) / "claims"
    claims.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = claims / what.replace("/", "_").replace(" ", "-")
    try:
        with path.open("x", encoding="utf-8") as claim:
            claim.write(worker)
    except FileExistsError:
        first = path.read_text(encoding="utf-8")
        raise AssertionError(
            f"{what!r} done twice in one run (by {first} and {worker}): "
            "the xdist groups do not keep a framework on one worker"
        ) from None
