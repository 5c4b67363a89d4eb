"""Fan out to the upstream service with the non-blocking HTTP client."""

from __future__ import annotations

import re

from ..settings import env_var
from ..upstream import Upstream, UpstreamError, UpstreamTimeoutError
from .base import ApiError, JsonHandler

MAX_PATHS = 10
# A plain absolute path: no scheme, host, query or "..", so clients reach only the upstream.
PATH = re.compile(r"/|(/[A-Za-z0-9._~-]+)+/?")


def checked_paths(paths: list[str]) -> list[str]:
    if not 1 <= len(paths) <= MAX_PATHS:
        raise ApiError(400, f"give from 1 to {MAX_PATHS} ?path= arguments")
    for path in paths:
        if not PATH.fullmatch(path) or ".." in path.split("/"):
            raise ApiError(400, f"path must be a plain absolute path like /status, not {path!r}")
    return paths


class UpstreamHandler(JsonHandler):
    """``GET /api/upstream?path=/a&path=/b``: fetch each path from the upstream concurrently.

    502 when the upstream fails or answers an error, 504 when it times out.
    """

    def initialize(self, upstream: Upstream | None) -> None:
        self.upstream = upstream

    async def get(self) -> None:
        if self.upstream is None:
            raise ApiError(503, f"no upstream configured: set {env_var('UPSTREAM_URL')}")
        paths = checked_paths(self.get_query_arguments("path"))
        try:
            results = await self.upstream.fetch_all(paths)
        except UpstreamTimeoutError as error:
            raise ApiError(504, str(error)) from None
        except UpstreamError as error:
            raise ApiError(502, str(error)) from None
        self.finish({"results": [result.as_json() for result in results]})
