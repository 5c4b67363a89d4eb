"""The framework list is written once, in cookiecutter.json; everything else derives it.

Adding a framework must touch no other list: not the CI matrix, not the benchmarks, not a test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import FRAMEWORKS, REPO_DIR

WORKFLOW = REPO_DIR / ".github" / "workflows" / "ci.yml"
# Prose (README, docs) may name the frameworks; code and configuration may not list them.
PROSE_SUFFIXES = {".md", ".txt"}


def tracked_files() -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_DIR, capture_output=True, text=True, check=True
    ).stdout
    return [REPO_DIR / name for name in listing.split("\0") if name]


def hand_written_lists(path: Path) -> list[str]:
    """Lines naming three or more frameworks: a list written by hand."""
    words = re.compile(r"\b(" + "|".join(map(re.escape, FRAMEWORKS)) + r")\b", re.IGNORECASE)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (UnicodeDecodeError, FileNotFoundError):
        return []
    return [line for line in lines if len({m.lower() for m in words.findall(line)}) >= 3]


def test_no_other_file_lists_the_frameworks() -> None:
    found = {
        str(path.relative_to(REPO_DIR)): lines
        for path in tracked_files()
        if path.name != "cookiecutter.json" and path.suffix not in PROSE_SUFFIXES
        for lines in [hand_written_lists(path)]
        if lines
    }
    assert found == {}


def test_ci_matrix_is_the_list_the_first_job_emits(tmp_path: Path) -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    jobs = workflow["jobs"]
    matrix_job = next(
        job for job in jobs.values() if "framework" in job.get("strategy", {}).get("matrix", {})
    )
    (source,) = (
        [matrix_job["needs"]] if isinstance(matrix_job["needs"], str) else matrix_job["needs"]
    )
    output = jobs[source]["outputs"]["frameworks"]
    assert matrix_job["strategy"]["matrix"]["framework"] == (
        f"${{{{ fromJSON(needs.{source}.outputs.frameworks) }}}}"
    )
    (step,) = [step for step in jobs[source]["steps"] if "run" in step]
    assert output == f"${{{{ steps.{step['id']}.outputs.frameworks }}}}"

    # Run that step as the runner would, from the repository root.
    github_output = tmp_path / "github_output"
    environ = {**os.environ, "GITHUB_OUTPUT": str(github_output)}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=REPO_DIR, env=environ, check=True)
    name, _, value = github_output.read_text("utf-8").strip().partition("=")
    assert name == "frameworks"
    assert yaml.safe_load(value) == FRAMEWORKS


def refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    assert not repeated, f"keys given twice (JSON keeps only the last): {repeated}"
    return dict(pairs)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_framework_json_gives_each_key_once(framework: str) -> None:
    path = REPO_DIR / "templates" / framework / "framework.json"
    json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=refuse_duplicate_keys)
