"""Every framework x use_docker combination bakes, and every license with and without Docker.

The license is rendered by the shared skeleton alone (LICENSE, README.md, pyproject.toml), the
same for every framework, while Docker files differ per framework (compose.yaml follows the data
layer, the README's deployment text is the overlay's). So each framework bakes with and without
Docker, and the licenses take turns over those ten bakes: each license is baked twice, once with
Docker and once without, on two frameworks. The full product (50 bakes) checked nothing more;
a test fails if an overlay starts rendering the license, so that this stays true.
"""

from __future__ import annotations

import itertools
import tomllib

import pytest

from tests.harness import FRAMEWORKS, LICENSES, REPO_DIR, framework_info

LICENSE_MARKERS = {
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Apache-2.0": "Apache License",
    "GPL-3.0-or-later": "GNU GENERAL PUBLIC LICENSE",
    "Proprietary": "All rights reserved.",
}


def combinations() -> list[tuple[str, str, bool]]:
    """Turn k: framework k and license k with Docker, framework k and license k + 1 without."""
    turns = max(len(FRAMEWORKS), len(LICENSES))
    return [
        (FRAMEWORKS[turn % len(FRAMEWORKS)], LICENSES[(turn + shift) % len(LICENSES)], not shift)
        for turn in range(turns)
        for shift in (0, 1)
    ]


def test_each_license_is_baked_with_and_without_docker() -> None:
    baked = combinations()
    assert {(license, docker) for _, license, docker in baked} == set(
        itertools.product(LICENSES, [True, False])
    )
    assert {(framework, docker) for framework, _, docker in baked} == set(
        itertools.product(FRAMEWORKS, [True, False])
    )


def test_only_the_skeleton_renders_the_license() -> None:
    overlays = REPO_DIR / "templates"
    rendering = [
        path.relative_to(REPO_DIR)
        for path in sorted(overlays.rglob("*"))
        if path.is_file() and "cookiecutter.license" in path.read_text("utf-8", errors="ignore")
    ]
    assert rendering == [], "bake every framework x license again (combinations())"


@pytest.mark.parametrize(("framework", "license_name", "use_docker"), combinations())
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
