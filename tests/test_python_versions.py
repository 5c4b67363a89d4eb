"""Each baked project's own suite on every other Python version its CI promises.

The session's baked project (tests/conftest.py) is installed once more per version, in a venv of
that version's interpreter; the running interpreter's version is covered by
test_generated_project.py. A promised version this machine lacks is skipped, and the skip
reason (shown by ``-rs``) names it. Pairs a framework does not promise are deselected
(conftest.py), so they never show as skips.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import FRAMEWORKS, ProjectEnv, create_project_env, framework_info
from tests.once import claim_once
from tests.own_suite import assert_own_suite_passes
from tests.python_versions import find_interpreter, running_version

OTHER_VERSIONS = sorted(
    {version for name in FRAMEWORKS for version in framework_info(name)["python_versions"]}
    - {running_version()}
)


@pytest.fixture(scope="session", params=OTHER_VERSIONS)
def python_version(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def version_env(
    baked_project: Path,
    framework: str,
    python_version: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> ProjectEnv:
    interpreter = find_interpreter(python_version)
    if interpreter is None:
        pytest.skip(
            f"{framework} promises Python {python_version}, which this machine does not have "
            "(neither in pyenv nor on PATH)"
        )
    claim_once(tmp_path_factory, f"install {framework} on {python_version}")
    venv_dir = tmp_path_factory.mktemp(f"venv-{framework}-{python_version}") / ".venv"
    return create_project_env(baked_project, venv_dir, framework, python=str(interpreter))


def test_own_suite_on_promised_python(version_env: ProjectEnv) -> None:
    assert_own_suite_passes(version_env)
