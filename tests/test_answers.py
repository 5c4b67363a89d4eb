"""The pre-generation hook refuses bad answers, one line per problem, and leaves nothing behind."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException

from tests.harness import FRAMEWORKS, assert_ruff_clean

INVALID_ANSWERS = [
    ({"project_slug": "-starts-with-dash"}, "project_slug"),
    ({"project_slug": "has space"}, "project_slug"),
    ({"project_slug": "UPPER_case"}, "project_slug"),
    ({"package_name": "json"}, "package_name"),
    ({"package_name": "test"}, "package_name"),
    ({"package_name": "live_server"}, "package_name"),
    ({"package_name": "flask", "framework": "flask"}, "package_name"),
    ({"package_name": "tornado", "framework": "tornado"}, "package_name"),
    ({"package_name": "class"}, "package_name"),
    ({"package_name": "1st_app"}, "package_name"),
    ({"package_name": "with-dash"}, "package_name"),
    ({"project_name": "2048 Game"}, "package_name"),
    ({"author_email": "not-an-email"}, "author_email"),
    ({"author_email": "a@b"}, "author_email"),
    ({"author_email": "two@@example.com"}, "author_email"),
    ({"version": "one"}, "version"),
    ({"description": "two\nlines"}, "description"),
    ({"project_name": "x" * 201}, "project_name"),
    ({"package_name": "p" * 33}, "package_name"),
]


@pytest.mark.parametrize(("answers", "variable"), INVALID_ANSWERS)
def test_invalid_answer_is_refused(cookies, capfd, answers: dict, variable: str) -> None:
    result = cookies.bake(extra_context=answers)
    assert result.exit_code == -1
    assert isinstance(result.exception, FailedHookException)
    assert result.project_path is None
    output_dirs = [path for path in Path(str(cookies._output_factory("probe"))).parent.iterdir()]
    leftovers = [path for path in output_dirs if path.name != "probe" and any(path.iterdir())]
    assert leftovers == [], "a refused bake must leave nothing on disk"
    errors = error_lines(capfd)
    assert errors and variable in errors[0], errors


def error_lines(capfd: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capfd.readouterr().err.splitlines() if line.startswith("error: ")]


def test_every_problem_is_reported_at_once(cookies, capfd) -> None:
    """A user fixes all their answers after one refusal, not one answer per attempt."""
    answers = {"package_name": "1st_app", "author_email": "not-an-email", "version": "one"}
    result = cookies.bake(extra_context=answers)
    assert isinstance(result.exception, FailedHookException)
    variables = [line.removeprefix("error: ").split()[0] for line in error_lines(capfd)]
    assert variables == ["package_name", "author_email", "version"]


@pytest.mark.parametrize("name", ["tests", "test", "pytest", "conftest", "setup"])
def test_reserved_name_is_refused_for_what_it_is(cookies, capfd, name: str) -> None:
    result = cookies.bake(extra_context={"package_name": name})
    assert isinstance(result.exception, FailedHookException)
    (line,) = error_lines(capfd)
    assert line.startswith(f"error: package_name {name!r} must not shadow ")
    assert "standard library" not in line, line


AWKWARD_NAMES = [
    ("Café Ünïcode", "cafe-unicode"),
    ('It\'s "quoted"', "it-s-quoted"),
    ("Back\\slash $HOME `uname` {braces}", "back-slash-home-uname-braces"),
    ("世界 Grüße 🎉", "shi-jie-grusse"),
    # Cookiecutter would evaluate these; the extension keeps answers literal.
    ("Braces {{ 7*7 }} {% if %} {# c #}", "braces-7-7-if-c"),
    ("Ελληνικά", "ellenika"),
    ("A" + " very long name" * 13, "a-very-long-name-very-long-name"),
]


@pytest.mark.parametrize(("name", "slug"), AWKWARD_NAMES)
def test_awkward_name_bakes_faithfully(cookies, name: str, slug: str) -> None:
    result = cookies.bake(extra_context={"project_name": name, "description": name})
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert project.name == slug
    package = slug.replace("-", "_")
    init = project / "src" / package / "__init__.py"
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(init.read_text("utf-8")).body
        if isinstance(node, ast.Assign)
    }
    assert constants["PROJECT_NAME"] == name
    assert constants["DESCRIPTION"] == name
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    assert metadata["description"] == name
    assert_ruff_clean(project)


# Long, and sorting after any helper module a template might import (isort order).
LONGEST_NAME = "Zesty Long Project Name For Lint Checks"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_longest_package_name_stays_lint_clean(cookies, framework: str) -> None:
    """Generated code is formatted for any allowed name length, not just for short names."""
    result = cookies.bake(extra_context={"project_name": LONGEST_NAME, "framework": framework})
    assert result.exit_code == 0, result.exception
    assert result.project_path.name == "zesty-long-project-name-for-lint"
    assert_ruff_clean(result.project_path)
