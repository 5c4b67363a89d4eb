"""JSON documents from clients, parsed the same way by every part of the app."""

from __future__ import annotations

import json
from typing import Any


def loads(document: str | bytes | bytearray, **options: Any) -> Any:
    """``json.loads``, except that a document nested too deeply for the parser (a body of
    100,000 ``[``) is a ValueError like any other invalid JSON: a 400 for the client, not the
    RecursionError that would be a 500."""
    try:
        return json.loads(document, **options)
    except RecursionError:
        raise ValueError("the JSON document is nested too deeply") from None
