"""Calls to an upstream HTTP service with Tornado's non-blocking ``AsyncHTTPClient``."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse
from tornado.simple_httpclient import HTTPTimeoutError

# The code Tornado's client gives a request that got no response at all.
NO_RESPONSE = 599


class UpstreamError(Exception):
    """The upstream could not be reached or answered with an error (502 for our clients)."""


class UpstreamTimeoutError(UpstreamError):
    """The upstream did not connect or answer in time (504 for our clients)."""


@dataclass(frozen=True)
class UpstreamResult:
    path: str
    status: int
    body: Any
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "body": self.body,
            "seconds": round(self.seconds, 4),
        }


def configure_client(max_clients: int) -> None:
    """Configure the process-wide AsyncHTTPClient once, before the first request.

    Tornado keeps one client per event loop; ``max_clients`` bounds its concurrent requests and
    queues the rest (queue time counts towards the timeouts).
    """
    AsyncHTTPClient.configure(None, max_clients=max_clients)


def decode_body(path: str, response: HTTPResponse) -> Any:
    content_type = response.headers.get("Content-Type", "")
    text = response.body.decode("utf-8", errors="replace")
    if not content_type.startswith("application/json"):
        return text
    try:
        return json.loads(text)
    except ValueError:
        raise UpstreamError(f"GET {path}: the upstream answered invalid JSON") from None


class Upstream:
    def __init__(self, base_url: str, connect_timeout: float, request_timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.request_timeout = request_timeout

    async def fetch(self, path: str) -> UpstreamResult:
        request = HTTPRequest(
            self.base_url + path,
            headers={"Accept": "application/json"},
            connect_timeout=self.connect_timeout,
            request_timeout=self.request_timeout,
        )
        started = time.monotonic()
        try:
            response = await AsyncHTTPClient().fetch(request)
        except HTTPTimeoutError as error:
            raise UpstreamTimeoutError(f"GET {path}: {error.message}") from None
        except HTTPClientError as error:
            if error.code == NO_RESPONSE:
                # Not an answer: the connection failed, e.g. "Stream closed".
                raise UpstreamError(f"GET {path}: connection error: {error.message}") from None
            raise UpstreamError(f"GET {path}: the upstream answered {error.code}") from None
        except OSError as error:
            raise UpstreamError(f"GET {path}: {error.strerror or error}") from None
        # Timed here: the response's own request_time is optional (None when it was not timed).
        seconds = time.monotonic() - started
        return UpstreamResult(path, response.code, decode_body(path, response), seconds)

    async def fetch_all(self, paths: Iterable[str]) -> list[UpstreamResult]:
        """Fetch every path concurrently. The first failure is raised at once and the other
        fetches are cancelled: the client's answer does not wait for them."""
        tasks = [asyncio.ensure_future(self.fetch(path)) for path in paths]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                if task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
            return [task.result() for task in tasks]
        finally:
            for task in tasks:
                task.cancel()
