"""Run a baked project's own test suite, as its README says, in one of its virtual envs."""

from __future__ import annotations

import subprocess

from tests.harness import ProjectEnv


def assert_own_suite_passes(project_env: ProjectEnv, **settings: str) -> None:
    """``settings`` are contract settings without the prefix, e.g. ``TEST_DATABASE_URL``."""
    completed = subprocess.run(
        [str(project_env.bin_dir / "pytest"), "-q", "-p", "no:cacheprovider"],
        cwd=project_env.project_dir,
        env=project_env.environ(**settings),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert " passed" in output and " failed" not in output, output
