"""Every baked project is clean in mypy's default mode, with its own configuration.

The baked pyproject.toml points mypy at the package and declares the third-party modules that
ship no types (framework.json's ``untyped_modules``); the project's CI runs the same bare ``mypy``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

from tests.harness import ProjectEnv, framework_info, run

MYPY_TIMEOUT = 300


def test_mypy_configured_and_run_by_ci(baked_project: Path, framework: str) -> None:
    pyproject = tomllib.loads((baked_project / "pyproject.toml").read_text("utf-8"))
    mypy = pyproject["tool"]["mypy"]
    assert mypy["files"][0] == "src/cafe_unicode"
    untyped = framework_info(framework).get("untyped_modules", [])
    declared = [
        module
        for override in mypy.get("overrides", [])
        if override.get("ignore_missing_imports")
        for module in override["module"]
    ]
    assert sorted(declared) == sorted([*untyped, *(f"{name}.*" for name in untyped)])
    workflow = yaml.safe_load((baked_project / ".github/workflows/ci.yml").read_text("utf-8"))
    assert "mypy" in [step.get("run") for step in workflow["jobs"]["test"]["steps"]]


def test_mypy_is_clean(project_env: ProjectEnv) -> None:
    output = run([str(project_env.bin_dir / "mypy")], project_env.project_dir, MYPY_TIMEOUT)
    assert "Success: no issues found" in output, output
