"""Every framework x license x use_docker combination bakes."""

from __future__ import annotations

import itertools
import tomllib

import pytest

from tests.harness import FRAMEWORKS, LICENSES, framework_info

LICENSE_MARKERS = {
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Apache-2.0": "Apache License",
    "GPL-3.0-or-later": "GNU GENERAL PUBLIC LICENSE",
    "Proprietary": "All rights reserved.",
}


@pytest.mark.parametrize(
    ("framework", "license_name", "use_docker"),
    list(itertools.product(FRAMEWORKS, LICENSES, [True, False])),
)
def test_combination_bakes(cookies, framework: str, license_name: str, use_docker: bool) -> None:
    result = cookies.bake(
        extra_context={
            "framework": framework,
            "license": license_name,
            "use_docker": "yes" if use_docker else "no",
            "author_name": "Ada Lovelace",
        }
    )
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert project.name == "my-web-project"
    license_text = (project / "LICENSE").read_text("utf-8")
    assert LICENSE_MARKERS[license_name] in license_text
    if license_name in {"MIT", "BSD-3-Clause", "Proprietary"}:
        assert "Ada Lovelace" in license_text
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["project"]
    expected = "LicenseRef-Proprietary" if license_name == "Proprietary" else license_name
    assert metadata["license"] == expected
    assert (project / "Dockerfile").exists() is use_docker
    assert (project / ".dockerignore").exists() is use_docker
    with_data_layer = bool(framework_info(framework).get("data_layer"))
    assert (project / "compose.yaml").exists() is (use_docker and with_data_layer)
    assert ("docker build" in (project / "README.md").read_text("utf-8")) is use_docker
