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

from tests import python_versions
from tests.harness import FRAMEWORKS, ProjectEnv, Services, create_project_env, framework_info
from tests.once import claim_once
from tests.own_suite import assert_own_suite_passes
from tests.python_versions import find_interpreter, postgres_suite_version, running_version

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


def test_own_suite_on_promised_python(
    version_env: ProjectEnv, framework: str, python_version: str, services: Services
) -> None:
    """On SQLite, except the newest version, which runs it on PostgreSQL where the starter
    supports it: every run covers each version and PostgreSQL without a fourth pass."""
    settings: dict[str, str] = {}
    if postgres_suite_version(framework) == python_version:
        settings["TEST_DATABASE_URL"] = services.database_url("postgresql")
    assert_own_suite_passes(version_env, **settings)


def test_the_postgresql_pass_goes_to_the_newest_other_version_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here = running_version()
    starters = {
        "both": {"data_layer": True, "database_schemes": ["sqlite", "postgresql"]},
        "sqlite-only": {"data_layer": True, "database_schemes": ["sqlite"]},
    }
    for info in starters.values():
        info["python_versions"] = [here, "3.98", "3.99", "pypy3.99"]
    monkeypatch.setattr(python_versions, "framework_info", starters.__getitem__)
    found = {"3.98": Path("python3.98"), "3.99": Path("python3.99"), "pypy3.99": Path("pypy")}
    monkeypatch.setattr(python_versions, "find_interpreter", found.get)
    assert postgres_suite_version("both") == "3.99"
    assert postgres_suite_version("sqlite-only") is None
    del found["3.99"]
    assert postgres_suite_version("both") == "3.98"
    found.clear()
    assert postgres_suite_version("both") == here, "no other version: the running one runs it"
