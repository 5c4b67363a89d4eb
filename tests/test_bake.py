"""Each framework bakes into a clean, valid, lint-free project."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from tests.harness import assert_ruff_clean, framework_info

# Cookiecutter syntax that survived rendering: ``{{ cookiecutter.x }}``, ``{% if cookiecutter %}``...
LEFTOVER_COOKIECUTTER = re.compile(r"{{-?\s*cookiecutter|{%-?[^%]*cookiecutter|{#")
# Any Jinja syntax at all; allowed only in the framework's own template files. GitHub Actions
# expressions (``${{ matrix.x }}``) are not template syntax.
ANY_TEMPLATE_SYNTAX = re.compile(r"(?<!\$){{|{%")
FRAMEWORK_TEMPLATE_SUFFIXES = {".html", ".tpl", ".jinja", ".j2"}


def text_files(project: Path) -> list[Path]:
    files = []
    for path in sorted(project.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            files.append(path)
    return files


def test_no_template_syntax_left(baked_project: Path) -> None:
    for path in text_files(baked_project):
        text = path.read_text(encoding="utf-8")
        assert not LEFTOVER_COOKIECUTTER.search(text), f"cookiecutter syntax left in {path}"
        if path.suffix not in FRAMEWORK_TEMPLATE_SUFFIXES:
            assert not ANY_TEMPLATE_SYNTAX.search(text), f"template syntax left in {path}"


def test_python_compiles(baked_project: Path) -> None:
    sources = sorted(baked_project.rglob("*.py"))
    assert sources
    for path in sources:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_ruff_clean(baked_project: Path) -> None:
    assert_ruff_clean(baked_project)


def test_pyproject_valid(baked_project: Path, framework: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "validate_pyproject", "pyproject.toml"],
        cwd=baked_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    project = tomllib.loads((baked_project / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["requires-python"] == framework_info(framework)["requires_python"]
    assert project["scripts"] == {"cafe-unicode": "cafe_unicode.__main__:main"}
    assert {"pytest", "ruff", "mypy"} <= {
        re.split(r"[<>=\[ ]", requirement)[0]
        for requirement in project["optional-dependencies"]["dev"]
    }


def test_yaml_files_parse(baked_project: Path, framework: str) -> None:
    workflow = yaml.safe_load((baked_project / ".github/workflows/ci.yml").read_text("utf-8"))
    versions = workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    assert versions == framework_info(framework)["python_versions"]


def test_contract_files(baked_project: Path) -> None:
    for name in ("README.md", "LICENSE", ".gitignore", "Dockerfile", ".github/workflows/ci.yml"):
        assert (baked_project / name).is_file(), name
    readme = (baked_project / "README.md").read_text("utf-8")
    assert readme.startswith("# Café Ünïcode\n")
    for needle in ('pip install -e ".[dev]"', "pytest", "CAFE_UNICODE_SECRET_KEY", "## Layout"):
        assert needle in readme
    assert ".secret_key" in (baked_project / ".gitignore").read_text("utf-8").splitlines()


def test_development_secret_generated_and_ignored(baked_project: Path) -> None:
    secret = baked_project / ".secret_key"
    assert len(secret.read_text("utf-8").strip()) >= 32
    assert secret.stat().st_mode & 0o077 == 0, "the secret must be readable by its owner only"


def test_dockerfile_runs_production_as_non_root(baked_project: Path, framework: str) -> None:
    dockerfile = (baked_project / "Dockerfile").read_text("utf-8")
    user_lines = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines and user_lines[-1].split()[1].split(":")[0] not in {"root", "0"}
    assert "CAFE_UNICODE_ENV=production" in dockerfile
    if framework_info(framework).get("data_layer"):
        expected = 'CMD ["sh", "-c", "cafe-unicode migrate && exec cafe-unicode"]'
    else:
        expected = 'CMD ["cafe-unicode"]'
    assert dockerfile.rstrip().endswith(expected)


def test_generated_secret_is_never_committed(baked_project: Path, tmp_path: Path) -> None:
    """`git add -A` in a fresh repository leaves the secret out, and no tracked file contains it."""
    project = tmp_path / "project"
    shutil.copytree(baked_project, project)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    staged = subprocess.run(
        ["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert ".secret_key" not in staged
    secret = (project / ".secret_key").read_text("utf-8").strip()
    for name in staged:
        assert secret not in (project / name).read_text("utf-8", errors="ignore"), name


def test_dockerfile_lints_clean(baked_project: Path) -> None:
    """hadolint (from requirements-dev.txt): there is no Docker engine here to build the image."""
    result = subprocess.run(
        [
            shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint"),
            "--no-color",
            "Dockerfile",
        ],
        cwd=baked_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_stack_is_valid_and_runs_migrate(baked_project: Path, framework: str) -> None:
    """compose.yaml passes the Compose specification's schema; the app migrates before serving."""
    compose = baked_project / "compose.yaml"
    info = framework_info(framework)
    if not info.get("data_layer"):
        assert not compose.exists(), "no compose stack before the framework has a data layer"
        return
    result = subprocess.run(
        [
            shutil.which("check-jsonschema")
            or str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(compose),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    stack = yaml.safe_load(compose.read_text("utf-8"))
    app = stack["services"]["app"]
    assert "command" not in app, "the image's command migrates, then serves"
    assert app["ports"] == ["127.0.0.1:8000:8000"]
    assert ("db" in stack["services"]) is ("postgresql" in info["database_schemes"])
    assert ("redis" in stack["services"]) is bool(info.get("uses_redis"))
    example = (baked_project / ".env.example").read_text("utf-8")
    assert "CAFE_UNICODE_SECRET_KEY=\n" in example
    ignored = (baked_project / ".gitignore").read_text("utf-8").splitlines()
    assert ".env" in ignored
