"""Strict parsing of what clients send: ids in ASCII digits only, JSON without a 500.

Werkzeug's ``int`` converter matches ``\\d+``, which also matches other scripts' digits, and
``int()`` reads them: ``/api/notes/١`` (ARABIC-INDIC DIGIT ONE) found note 1. Python's JSON
parser recurses once per nesting level: a body of 100,000 ``[`` raised RecursionError, a 500.
"""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from . import jsonbody


class AsciiIntegerConverter(IntegerConverter):
    """``<int:...>`` in URL rules: ASCII digits only; anything else is a 404."""

    regex = r"[0-9]+"


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, UTF-8 out, and a body nested too deep for the parser is invalid JSON (400)."""

    # Non-ASCII text as UTF-8, not as \\uXXXX escapes: JSON is UTF-8 by definition.
    ensure_ascii = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return jsonbody.loads(s, **kwargs)
