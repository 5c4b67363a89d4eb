"""The xdist groups: what shares a worker's installed project stays on that worker, and nothing
else is tied to it (tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.harness import FRAMEWORKS, framework_info


def promised(framework: str) -> list[str]:
    return framework_info(framework)["python_versions"]


def group_of(item: pytest.Item) -> str | None:
    marker = item.get_closest_marker("xdist_group")
    return marker.args[0] if marker else None


def test_the_session_framework_groups_the_test_by_framework(
    request: pytest.FixtureRequest, framework: str
) -> None:
    assert group_of(request.node) == framework
    assert request.node.get_closest_marker("framework"), "CI's per-framework jobs select it"


@pytest.mark.parametrize("framework", FRAMEWORKS[:1])
def test_a_plain_framework_argument_is_not_grouped(
    request: pytest.FixtureRequest, framework: str
) -> None:
    assert group_of(request.node) is None, "it bakes its own project: any worker may run it"
    assert request.node.get_closest_marker("framework")


# A version every framework promises (an unpromised pair is deselected, conftest.py).
@pytest.mark.parametrize(
    "python_version", sorted(set.intersection(*(set(promised(name)) for name in FRAMEWORKS)))
)
def test_another_version_is_a_group_of_its_own(
    request: pytest.FixtureRequest, framework: str, python_version: str
) -> None:
    assert group_of(request.node) == f"{framework}-{python_version}"
