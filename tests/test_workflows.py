"""The supply chain of every workflow: the template set's and every baked project's.

zizmor (offline) finds nothing of medium or high severity, the GitHub workflow and Dependabot
schemas validate, actions are pinned to a full commit SHA with the version in a comment (the
same pin in the template set and in the skeleton), checkouts keep no credentials, and each
workflow has least-privilege permissions, a concurrency group and named jobs.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import REPO_DIR
from tests.tools import tool

SKELETON_DIR = REPO_DIR / "{{cookiecutter.project_slug}}"
PINNED_USES = re.compile(r"^\s*-?\s*uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # (v\d+(?:\.\d+)*)$")
ANY_USES = re.compile(r"^\s*-?\s*uses:", re.MULTILINE)


def github_dir(baked_project: Path | None = None) -> Path:
    return (baked_project or REPO_DIR) / ".github"


def check(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"


def assert_supply_chain_clean(github: Path) -> None:
    workflows = sorted((github / "workflows").glob("*.yml"))
    assert workflows and (github / "dependabot.yml").is_file()
    check([tool("zizmor"), "--offline", "--min-severity", "medium", str(github)], github)
    for schema, paths in (
        ("github-workflows", workflows),
        ("dependabot", [github / "dependabot.yml"]),
    ):
        check(
            [tool("check-jsonschema"), "--builtin-schema", f"vendor.{schema}", *map(str, paths)],
            github,
        )
    dependabot = yaml.safe_load((github / "dependabot.yml").read_text("utf-8"))
    assert {update["package-ecosystem"] for update in dependabot["updates"]} == {
        "github-actions",
        "pip",
    }
    for path in workflows:
        assert_hardened(yaml.safe_load(path.read_text("utf-8")))


def assert_hardened(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {}, "jobs ask for their own permissions"
    assert workflow["concurrency"]["group"]
    for job_id, job in workflow["jobs"].items():
        assert job.get("name"), f"job {job_id} has no name"
        assert job["permissions"] == {"contents": "read"}, job_id
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, job_id


def action_pins(text: str) -> dict[str, set[str]]:
    """``action -> {"sha # version"}`` for every ``uses:``; each must be pinned and commented."""
    pins: dict[str, set[str]] = {}
    lines = [line for line in text.splitlines() if ANY_USES.match(line)]
    assert lines
    for line in lines:
        match = PINNED_USES.match(line)
        assert match, f"not pinned to a full SHA with its version in a comment: {line.strip()}"
        pins.setdefault(match[1], set()).add(f"{match[2]} # {match[3]}")
    return pins


def test_template_set_workflows() -> None:
    assert_supply_chain_clean(github_dir())


def test_actions_pinned_alike_in_template_set_and_skeleton() -> None:
    """Dependabot bumps the template set's pins; this makes the skeleton follow."""
    ours = action_pins((REPO_DIR / ".github/workflows/ci.yml").read_text("utf-8"))
    skeleton = action_pins((SKELETON_DIR / ".github/workflows/ci.yml").read_text("utf-8"))
    assert all(len(pins) == 1 for pins in [*ours.values(), *skeleton.values()]), (ours, skeleton)
    assert {action: ours[action] for action in skeleton} == skeleton


def test_baked_project_workflows(baked_project: Path) -> None:
    assert_supply_chain_clean(github_dir(baked_project))


@pytest.mark.parametrize("unsafe", ["actions/checkout@v7", "actions/checkout@main"])
def test_unpinned_action_is_caught(unsafe: str) -> None:
    with pytest.raises(AssertionError, match="not pinned"):
        action_pins(f"      - uses: {unsafe}\n")
