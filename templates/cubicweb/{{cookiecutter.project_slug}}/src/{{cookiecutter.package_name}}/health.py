"""``GET /health``: ready when the repository answers a query, not merely when the process is up.

Load balancers and orchestrators poll it often, so it is answered by a tween placed just inside
the security tween, before CubicWeb's tweens, routing, authentication and session: none of them
is needed to say whether the repository answers. The query itself runs at most once per
``health_check_interval`` seconds (default 1; 0 runs it on every request): a success is
remembered for that long and shared by waitress' threads, a failure is never remembered, so the
next request checks again and the status turns back to "ok" as soon as the repository answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response

from .security import Handler

log = logging.getLogger(__name__)

HEALTH_PATH = "/health"
# Set from the "health_check_interval" option (see config.py and wsgi.pyramid_settings).
INTERVAL_SETTING = "{{ cookiecutter.package_name }}.health_check_interval"
DEFAULT_INTERVAL = 1.0
CHECK_RQL = "Any COUNT(X) WHERE X is CWUser"
OK = {"status": "ok"}
UNAVAILABLE = {"status": "error", "detail": "repository unavailable"}


class RepositoryCheck:
    """Whether the repository answers a query, a success being remembered for ``interval`` s.

    No lock: when a remembered success expires, threads arriving together may each run the
    (cheap) query once; assigning a float is atomic, so they never see a torn state.
    """

    def __init__(
        self, repo: Any, interval: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._repo = repo
        self._interval = interval
        self._clock = clock
        self._ok_until = float("-inf")

    def healthy(self) -> bool:
        if self._clock() < self._ok_until:
            return True
        ok = self._query()
        # A failure is not remembered: the next request checks again.
        self._ok_until = self._clock() + self._interval if ok else float("-inf")
        return ok

    def _query(self) -> bool:
        try:
            with self._repo.internal_cnx() as cnx:
                cnx.execute(CHECK_RQL)
        except Exception:
            log.exception("health check: the repository does not answer")
            return False
        return True


def interval(registry: Registry) -> float:
    return float(registry.settings.get(INTERVAL_SETTING, DEFAULT_INTERVAL))


def health_paths(base_url: str) -> frozenset[str]:
    """``/health``, and under the base URL's path: a proxy publishing the site at ``/app/``
    forwards ``/app/...`` unchanged (cubicweb-web strips the prefix itself)."""
    return frozenset({HEALTH_PATH, urlsplit(base_url).path.rstrip("/") + HEALTH_PATH})


def health_tween_factory(handler: Handler, registry: Registry) -> Handler:
    repo = registry["cubicweb.repository"]
    check = RepositoryCheck(repo, interval(registry))
    paths = health_paths(repo.config["base-url"] or "/")

    def health_tween(request: Request) -> Response:
        # Other methods go on to Pyramid, which answers them as for any unknown route.
        if request.path_info not in paths or request.method not in ("GET", "HEAD"):
            return handler(request)
        if check.healthy():
            return Response(json_body=OK, charset="utf-8")
        return Response(json_body=UNAVAILABLE, status=503, charset="utf-8")

    return health_tween


def includeme(config: Configurator) -> None:
    # Inside the security tween (its headers and URL checks still apply), over all the others.
    config.add_tween(
        f"{__name__}.health_tween_factory", under=f"{__package__}.security.security_tween_factory"
    )
