"""Property-based test of the generator over free-text answers (hypothesis).

Whatever a user types as project name, description or author, the generator either bakes a
project that is valid (Python compiles, TOML/YAML/JSON parse, ruff clean) and shows the text
faithfully, or refuses it with one line per problem, each naming its variable, and leaves nothing
on disk.

The default profile runs a few dozen examples; with CI set, the "ci" profile runs more.
"""

from __future__ import annotations

import ast
import json
import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.harness import FRAMEWORKS, REPO_DIR, assert_ruff_clean

settings.register_profile(
    "dev",
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

PRINTABLE_PIECES = [
    '"',
    "'",
    "\\",
    "$HOME",
    "`id`",
    "{{ }}",
    "{{ 7*7 }}",
    "{% if x %}",
    "{# note #}",
    "{% raw %}",
    "🎉",
    "שלום",
    "مرحبا",
    "e\u0301",
    "\u202e",
    "Café",
    "世界",
    " ",
    "&amp;",
    "<b>",
    "# ",
    "1. ",
]
CONTROL_PIECES = ["\n", "\t", "\r", "\x00"]
printable = st.one_of(
    st.sampled_from(PRINTABLE_PIECES),
    st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=6),
)
any_piece = st.one_of(printable, st.sampled_from(CONTROL_PIECES))
# Mostly printable text (which should bake), some with control characters (which must be refused),
# 200-character names, and names that collide with stdlib or framework modules.
free_text = st.one_of(
    st.lists(printable, min_size=1, max_size=8).map(lambda pieces: "Ab " + "".join(pieces)),
    st.lists(printable, min_size=1, max_size=8).map("".join),
    st.lists(any_piece, min_size=1, max_size=8).map("".join),
    st.text(alphabet="abcdefgh ", min_size=190, max_size=210).map(lambda text: "X" + text),
    st.sampled_from(["json", "test", "typing", *FRAMEWORKS, FRAMEWORKS[-1].title()]),
)
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
FREE_TEXT_FIELDS = ("project_name", "description", "author_name")


def bake(tmp_path: Path, answers: dict[str, str]) -> Path | None:
    """Bake in process; the project dir, or None when the pre-generation hook refused."""
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(
        f"cookiecutters_dir: {tmp_path / 'cc'}\nreplay_dir: {tmp_path / 'replay'}\n", "utf-8"
    )
    try:
        return Path(
            cookiecutter(
                str(REPO_DIR),
                no_input=True,
                extra_context=answers,
                output_dir=str(tmp_path / "out"),
                config_file=str(config),
            )
        )
    except FailedHookException:
        return None


def assert_valid_and_faithful(project: Path, answers: dict[str, str]) -> None:
    for path in project.rglob("*.py"):
        compile(path.read_text("utf-8"), str(path), "exec")
    for path in project.rglob("*.json"):
        json.loads(path.read_text("utf-8"))
    for path in [*project.rglob("*.yml"), *project.rglob("*.yaml")]:
        yaml.safe_load(path.read_text("utf-8"))
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    assert metadata["description"] == answers["description"]
    assert metadata["authors"][0]["name"] == answers["author_name"]

    package = metadata["scripts"][metadata["name"]].split(".")[0]
    module = ast.parse((project / "src" / package / "__init__.py").read_text("utf-8"))
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in module.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert constants["PROJECT_NAME"] == answers["project_name"]
    assert constants["DESCRIPTION"] == answers["description"]
    title = (project / "README.md").read_text("utf-8").splitlines()[0]
    assert MARKDOWN_ESCAPE.sub(r"\1", title) == "# " + answers["project_name"]
    assert answers["author_name"] in (project / "LICENSE").read_text("utf-8")

    assert_ruff_clean(project)


@given(
    name=free_text,
    description=free_text,
    author=free_text,
    framework=st.sampled_from(FRAMEWORKS),
)
def test_free_text_bakes_faithfully_or_is_refused_line_by_line(
    tmp_path_factory: pytest.TempPathFactory,
    capfd: pytest.CaptureFixture[str],
    name: str,
    description: str,
    author: str,
    framework: str,
) -> None:
    tmp_path = tmp_path_factory.mktemp("property")
    answers = {
        "project_name": name,
        "description": description,
        "author_name": author,
        "framework": framework,
    }
    capfd.readouterr()
    project = bake(tmp_path, answers)
    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("error: ")]
    event("refused" if project is None else "baked")
    if project is None:
        assert errors, "a refusal names what is wrong"
        for line in errors:
            variable = line.removeprefix("error: ").split()[0]
            assert variable in {*FREE_TEXT_FIELDS, "project_slug", "package_name"}, errors
        assert len(errors) == len(set(errors)), "one line per problem"
        out = tmp_path / "out"
        assert not out.exists() or not any(out.iterdir()), "a refusal must leave nothing on disk"
    else:
        assert errors == []
        assert_valid_and_faithful(project, answers)
