"""Client JSON: too deep is invalid, like any other broken document."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }} import jsonbody


@pytest.mark.parametrize("opening, closing", [("[", "]"), ('{"a":', "}")])
def test_a_document_nested_too_deeply_is_a_value_error(opening: str, closing: str) -> None:
    document = opening * 100_000 + "1" + closing * 100_000
    with pytest.raises(ValueError, match="nested too deeply"):
        jsonbody.loads(document)


def test_ordinary_documents_parse_as_json_loads_does() -> None:
    document = b'{"text": "caf\\u00e9", "n": [1, 2.5]}'
    assert jsonbody.loads(document) == {"text": "café", "n": [1, 2.5]}
    with pytest.raises(ValueError):
        jsonbody.loads('{"text": ')
