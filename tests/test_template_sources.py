"""The template works from every kind of source the README lists, and the refused ones fail.

These run the real command-line tools in subprocesses, from a git repository made of the current
working tree, so uncommitted template changes are what gets tested.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.harness import FRAMEWORKS, LICENSES, REPO_DIR, run
from tests.tools import tool

UNRELEASED = "Unreleased template change."


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Template Tests",
        "GIT_AUTHOR_EMAIL": "tests@example.com",
        "GIT_COMMITTER_NAME": "Template Tests",
        "GIT_COMMITTER_EMAIL": "tests@example.com",
    }
    return run(["git", *args], cwd, 60, env=env)


@pytest.fixture(scope="module")
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A cookiecutter config whose replay and clone directories are private to this test run."""
    home = tmp_path_factory.mktemp("home")
    config = home / "cookiecutter.yaml"
    config.write_text(
        f"cookiecutters_dir: {home / 'cookiecutters'}\nreplay_dir: {home / 'replay'}\n",
        encoding="utf-8",
    )
    return {**os.environ, "HOME": str(home), "COOKIECUTTER_CONFIG": str(config)}


@pytest.fixture(scope="module")
def template_git_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the template as it is in the working tree now."""
    work = tmp_path_factory.mktemp("template") / "work"
    files = git(REPO_DIR, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, files.split("\0")):
        source = REPO_DIR / name
        if source.is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, work / name)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "template")
    # A release, then a later change, so that --checkout has something to tell apart.
    git(work, "tag", "v1.0")
    append_line(work / "{{cookiecutter.project_slug}}" / "README.md", UNRELEASED)
    git(work, "commit", "-q", "-am", "unreleased change")
    return work


@dataclass(frozen=True)
class Sources:
    """The template in every form the README lists; ``clone`` is a checkout with history."""

    clone: Path
    bare: Path
    zip: Path
    flat_zip: Path


@pytest.fixture(scope="module")
def sources(template_git_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Sources:
    root = tmp_path_factory.mktemp("sources")
    bare = root / "web-starters.git"
    git(root, "clone", "-q", "--bare", str(template_git_repo), str(bare))
    archive = ["archive", "--format=zip", "HEAD", "-o"]
    git(template_git_repo, *archive, str(root / "web-starters.zip"), "--prefix=web-starters/")
    git(template_git_repo, *archive, str(root / "flat.zip"))
    return Sources(template_git_repo, bare, root / "web-starters.zip", root / "flat.zip")


# README "Where the template can come from": each example, as arguments for this test run.
Arguments = Callable[[Sources, Path], list[str]]
WORKING_SOURCES: dict[str, Arguments] = {
    "/path/to/web-starters": lambda s, cwd: [str(s.clone)],
    "../web-starters": lambda s, cwd: [os.path.relpath(s.clone, cwd)],
    "git+file:///path/to/web-starters": lambda s, cwd: [f"git+file://{s.clone}"],
    "file:///path/to/web-starters.git": lambda s, cwd: [f"file://{s.bare}"],
    "git+file:///path/to/web-starters --checkout v1.0": lambda s, cwd: [
        f"git+file://{s.clone}",
        "--checkout",
        "v1.0",
    ],
    "/path/to/web-starters.zip": lambda s, cwd: [str(s.zip)],
}
REFUSED_SOURCES: dict[str, tuple[Arguments, str]] = {
    "file:///path/to/web-starters": (lambda s, cwd: [f"file://{s.clone}"], "UnknownRepoType"),
    "/path/to/flat.zip": (lambda s, cwd: [str(s.flat_zip)], "could not be found"),
}
CRUFT_SOURCE = "cruft create file:///path/to/web-starters"  # test_cruft_create_then_update
SOURCES_SECTION = "### Where the template can come from"


def append_line(path: Path, line: str) -> None:
    path.write_text(path.read_text("utf-8") + line + "\n", "utf-8")


def bake_cli(template: str, output: Path, env: dict[str, str], *extra: str) -> Path:
    run(
        [tool("cookiecutter"), "--no-input", "-o", str(output), template, *extra],
        output.parent,
        120,
        env=env,
    )
    (project,) = [path for path in output.iterdir() if path.is_dir()]
    assert (project / "pyproject.toml").is_file()
    assert (project / ".secret_key").is_file()
    return project


def documented_sources() -> list[str]:
    readme = (REPO_DIR / "README.md").read_text("utf-8")
    section = readme.split(SOURCES_SECTION, 1)[1].split("\n#", 1)[0]
    return re.findall(r"^- `([^`]+)`", section, re.MULTILINE)


def test_readme_lists_exactly_the_tested_sources() -> None:
    documented = documented_sources()
    assert len(documented) == len(set(documented))
    assert set(documented) == {*WORKING_SOURCES, *REFUSED_SOURCES, CRUFT_SOURCE}


@pytest.mark.parametrize("example", WORKING_SOURCES)
def test_documented_source_bakes(
    example: str, sources: Sources, tmp_path: Path, isolated_home: dict[str, str]
) -> None:
    template, *options = WORKING_SOURCES[example](sources, tmp_path)
    project = bake_cli(template, tmp_path / "out", isolated_home, *options, "framework=bottle")
    readme = (project / "README.md").read_text("utf-8")
    assert "Bottle" in readme
    assert (UNRELEASED in readme) is ("--checkout" not in options), "the release, or the newest"


@pytest.mark.parametrize("example", REFUSED_SOURCES)
def test_documented_refusal(
    example: str, sources: Sources, tmp_path: Path, isolated_home: dict[str, str]
) -> None:
    arguments, message = REFUSED_SOURCES[example]
    output = tmp_path / "out"
    command = [tool("cookiecutter"), "--no-input", "-o", str(output), *arguments(sources, tmp_path)]
    completed = subprocess.run(
        command, cwd=tmp_path, env=isolated_home, capture_output=True, text=True, check=False
    )
    assert completed.returncode != 0
    assert message in completed.stdout + completed.stderr
    assert not output.exists() or not any(output.iterdir())


def test_next_steps_are_printed(tmp_path: Path, isolated_home: dict[str, str]) -> None:
    """After a bake the user is told how to enter, set up, run and test the project."""
    # PWD is what the user's shell says; the hook runs inside the new project.
    shell = {**isolated_home, "PWD": str(tmp_path)}
    command = [tool("cookiecutter"), "--no-input", "-o", "out", str(REPO_DIR)]
    output = run([*command, "framework=cubicweb"], tmp_path, 120, env=shell)
    steps = [line.strip() for line in output.splitlines() if line.startswith("  ")]
    assert steps[0] == "cd out/my-web-project"
    assert (tmp_path / steps[0].removeprefix("cd ")).is_dir()
    assert steps[1] == "sudo apt-get install gettext graphviz", "CubicWeb: msgfmt, dot"
    assert steps[2].startswith("python -m venv .venv && . .venv/bin/activate")
    assert steps[3:] == [
        'pip install -e ".[dev]"',
        "my-web-project  # development server on http://127.0.0.1:8000",
        "pytest  # the tests, with coverage",
    ]


def test_replay(tmp_path: Path, isolated_home: dict[str, str]) -> None:
    first = bake_cli(str(REPO_DIR), tmp_path / "first", isolated_home, "framework=cubicweb")
    output = tmp_path / "second"
    run(
        [tool("cookiecutter"), "--replay", "-o", str(output), str(REPO_DIR)],
        tmp_path,
        120,
        isolated_home,
    )
    second = output / first.name
    assert (second / "README.md").read_text("utf-8") == (first / "README.md").read_text("utf-8")
    assert (second / "pyproject.toml").read_text("utf-8") == (first / "pyproject.toml").read_text(
        "utf-8"
    )


def test_cruft_create_then_update(
    tmp_path: Path, template_git_repo: Path, isolated_home: dict[str, str]
) -> None:
    template = tmp_path / "template"
    shutil.copytree(template_git_repo, template)
    output = tmp_path / "out"
    output.mkdir()
    created = run(
        [
            tool("cruft"),
            "create",
            "--no-input",
            "--extra-context",
            json.dumps({"framework": "tornado", "project_name": "Cruft Demo"}),
            f"file://{template}",
        ],
        output,
        180,
        isolated_home,
    )
    project = output / "cruft-demo"
    assert (project / ".cruft.json").is_file()
    assert "Tornado" in (project / "README.md").read_text("utf-8")
    secret = (project / ".secret_key").read_text("utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "baked")

    # One later template commit changes the skeleton, the framework's data and its overlay.
    # cruft renders the old and the new template in one process: nothing may leak between them.
    append_line(template / "{{cookiecutter.project_slug}}" / "README.md", "Template change.")
    info_path = template / "templates" / "tornado" / "framework.json"
    info = json.loads(info_path.read_text("utf-8"))
    info["dependencies"].append("cruft-update-probe>=1.0")
    info_path.write_text(json.dumps(info, indent=2) + "\n", "utf-8")
    overlay = template / "templates" / "tornado" / "{{cookiecutter.project_slug}}" / "src"
    append_line(overlay / "{{cookiecutter.package_name}}" / "app.py", "# Overlay change.")
    git(template, "commit", "-q", "-am", "change the skeleton, framework.json and overlay")
    updated = run(
        [tool("cruft"), "update", "--skip-apply-ask", "--allow-untracked-files"],
        project,
        180,
        isolated_home,
    )
    # The renders cruft compares are thrown away: no "cd" into them.
    assert "Next steps" in created and "Next steps" not in updated, updated
    assert "Template change." in (project / "README.md").read_text("utf-8")
    assert "cruft-update-probe>=1.0" in (project / "pyproject.toml").read_text("utf-8")
    assert "# Overlay change." in (project / "src" / "cruft_demo" / "app.py").read_text("utf-8")
    assert (project / ".secret_key").read_text("utf-8") == secret, (
        "cruft must keep the local secret"
    )


def test_interactive_prompts(tmp_path: Path, isolated_home: dict[str, str]) -> None:
    """Every question is asked, in order, and the typed answers are what gets baked."""
    framework_choice = FRAMEWORKS.index("bottle") + 1
    license_choice = LICENSES.index("Apache-2.0") + 1
    # name, slug, package, description, author, email, version, framework, license, docker
    answers = [
        "Typed Name",
        "",
        "",
        "Typed description",
        "",
        "",
        "",
        framework_choice,
        license_choice,
    ]
    stdin = "\n".join(str(answer) for answer in answers) + "\nn\n"
    output = tmp_path / "out"
    completed = subprocess.run(
        [tool("cookiecutter"), "-o", str(output), str(REPO_DIR)],
        input=stdin,
        cwd=tmp_path,
        env=isolated_home,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    project = output / "typed-name"
    readme = (project / "README.md").read_text("utf-8")
    assert readme.startswith("# Typed Name\n")
    assert "Typed description" in readme and "Bottle" in readme
    assert '"Apache-2.0"' in (project / "pyproject.toml").read_text("utf-8")
    assert not (project / "Dockerfile").exists()
