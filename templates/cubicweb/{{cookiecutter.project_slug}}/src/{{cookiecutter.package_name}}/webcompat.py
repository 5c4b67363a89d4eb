"""Keep concurrent page loads of cubicweb-web's UI free of 500s.

cubicweb-web 1.6 (``bwcompat.py``) builds a log line on every page request with
``inspect.getsourcelines(controller class)``, whether or not it is logged. For a class, ``inspect``
parses the controller's whole module with ``ast`` each time: CPU spent for nothing, and on
CPython 3.11 ``ast`` is not safe across threads, so concurrent requests in waitress' threads
sometimes fail with ``SystemError: AST constructor recursion depth mismatch``. The answer does
not change while the process runs: compute it once per class, under a lock.
"""

from __future__ import annotations

import functools
import inspect
import threading
import types

from cubicweb_web import bwcompat
from pyramid.config import Configurator

_lock = threading.Lock()


@functools.cache
def _source_lines(cls: type) -> tuple[list[str], int]:
    return inspect.getsourcelines(cls)


def source_lines(cls: type) -> tuple[list[str], int]:
    with _lock:  # one parse per class, never two at once
        return _source_lines(cls)


def includeme(config: Configurator) -> None:
    # Only bwcompat's own name for the module is replaced, not the inspect module itself.
    bwcompat.inspect = types.SimpleNamespace(
        getsourcefile=inspect.getsourcefile, getsourcelines=source_lines
    )
