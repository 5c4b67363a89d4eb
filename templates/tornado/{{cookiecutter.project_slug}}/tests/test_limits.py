"""Over-long request targets and headers, sent as raw bytes to the real server: a JSON 414 or 431
up to the server's max_header_size, a closed connection past it."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, ClassVar

import pytest
from tornado.testing import gen_test

from {{ cookiecutter.package_name }}.app import make_app
from {{ cookiecutter.package_name }}.handlers.base import (
    MAX_HEADER_BYTES,
    MAX_TARGET_BYTES,
)
from {{ cookiecutter.package_name }}.security_headers import load_policy
from {{ cookiecutter.package_name }}.server import server_options

from .support import AppTestCase, app_options

WEBSOCKET_UPGRADE = {
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
}


def build_request(
    target: str, headers: dict[str, str] | None = None, method: str = "GET", body: bytes = b""
) -> bytes:
    fields = {"Host": "127.0.0.1", "Connection": "close", **(headers or {})}
    if body:
        fields["Content-Length"] = str(len(body))
    lines = [f"{method} {target} HTTP/1.1", *(f"{name}: {value}" for name, value in fields.items())]
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


class Reply:
    """A raw HTTP/1.1 reply: status, headers (lower-case names) and body."""

    def __init__(self, data: bytes) -> None:
        head, _, self.body = data.partition(b"\r\n\r\n")
        status_line, *fields = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for field in fields:
            name, _, value = field.partition(":")
            self.headers[name.strip().lower()] = value.strip()

    def json(self) -> Any:
        assert self.headers["content-type"].startswith("application/json")
        return json.loads(self.body)


class RawHttpTestCase(AppTestCase):
    """Requests written byte for byte on a socket, as no HTTP client would send them."""

    async def send(self, request: bytes, method: str = "GET") -> bytes:
        """Send ``request`` on a fresh connection; the reply's head and body, or b"" when the
        server closes the connection without one. The reply is read by its Content-Length: a
        WebSocket handshake (``Connection: Upgrade``) keeps the connection open."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.get_http_port())
        try:
            # A server that refuses the request may close before reading all of it.
            with contextlib.suppress(ConnectionError):
                writer.write(request)
                await writer.drain()
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=3)
            except asyncio.IncompleteReadError as closed:
                return closed.partial
            except ConnectionError:
                return b""
            length = 0 if method == "HEAD" else int(Reply(head).headers["content-length"])
            return head + await asyncio.wait_for(reader.readexactly(length), timeout=3)
        finally:
            writer.close()

    async def request(self, target: str, method: str = "GET", **kwargs: Any) -> Reply:
        data = await self.send(build_request(target, method=method, **kwargs), method)
        assert data, "the server closed the connection without answering"
        return Reply(data)

    async def assert_refused(self, status: int, target: str, **kwargs: Any) -> None:
        reply = await self.request(target, **kwargs)
        assert reply.status == status, (target[:40], reply.status, reply.body[:200])
        assert reply.json() == {"status": status, "error": reply.json()["error"]}
        assert "bytes" in reply.json()["error"]
        for name, value in load_policy().plain:
            assert reply.headers[name.lower()] == value, name


class LimitsTest(RawHttpTestCase):
    @gen_test
    async def test_long_target_is_414_on_every_route(self) -> None:
        for target in ("/", "/health", "/static/style.css", "/no/such/page", "/api/messages"):
            await self.assert_refused(414, target + "?q=" + "a" * 20_000)
        await self.assert_refused(414, "/" + "a" * 100_000)
        await self.assert_refused(
            414, "/api/messages/socket?" + "a" * 20_000, headers=WEBSOCKET_UPGRADE
        )

    @gen_test
    async def test_large_headers_are_431_on_every_route(self) -> None:
        padding = {"X-Padding": "a" * 20_000}
        for target in ("/", "/health", "/static/style.css", "/no/such/page"):
            await self.assert_refused(431, target, headers=padding)
        await self.assert_refused(431, "/health", headers={"X-Padding": "a" * 100_000})
        # Many small fields add up.
        many = {f"X-Field-{n}": "a" * 100 for n in range(100)}
        await self.assert_refused(431, "/health", headers=many)
        await self.assert_refused(
            431, "/api/messages/socket", headers={**WEBSOCKET_UPGRADE, **padding}
        )

    @gen_test
    async def test_post_over_the_limits_is_refused_before_its_body_is_read(self) -> None:
        body = b'{"text": "hello"}'
        headers = {"Content-Type": "application/json", "X-Padding": "a" * 20_000}
        await self.assert_refused(431, "/api/messages", method="POST", body=body, headers=headers)
        assert self.app.feed.last_id == 0

    @gen_test
    async def test_requests_within_the_limits_are_served(self) -> None:
        # Just under each limit: the request line's target and the header fields as sent.
        target = "/health?q=" + "a" * (MAX_TARGET_BYTES - len("/health?q="))
        host_and_close = len("Host: 127.0.0.1\r\n") + len("Connection: close\r\n")
        padding = "a" * (MAX_HEADER_BYTES - host_and_close - len("X-Padding: \r\n"))
        reply = await self.request(target, headers={"X-Padding": padding})
        assert reply.status == 200, reply.body[:200]
        assert reply.json() == {"status": "ok"}
        reply = await self.request(target + "a")
        assert reply.status == 414
        reply = await self.request("/health", headers={"X-Padding": padding + "a"})
        assert reply.status == 431

    @gen_test
    async def test_head_gets_the_status_without_a_body(self) -> None:
        reply = await self.request("/health", method="HEAD", headers={"X-Padding": "a" * 20_000})
        assert reply.status == 431
        assert reply.body == b""


class ServerLimitTest(RawHttpTestCase):
    """Past the server's max_header_size, Tornado closes the connection without an answer: the
    limit a reverse proxy in front should enforce (see the README)."""

    option_values: ClassVar[dict[str, Any]] = {"max_header_size": 32 * 1024}

    @gen_test
    async def test_past_the_server_limit_the_connection_is_closed(self) -> None:
        assert await self.send(build_request("/health", {"X-Padding": "a" * 40_000})) == b""
        # Under it, the application still answers.
        await self.assert_refused(431, "/health", headers={"X-Padding": "a" * 20_000})


@pytest.mark.usefixtures("database_url")
def test_server_reads_headers_well_past_the_application_limits() -> None:
    # Tornado's default is 64 KiB; 256 KiB leaves room for a JSON 414/431 to 100 kB requests.
    assert server_options(make_app(app_options()))["max_header_size"] == 256 * 1024
