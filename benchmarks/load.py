"""A bounded HTTP/1.1 load generator in pure Python, for the benchmarks and the repo's load tests.

Keep-alive connections on 127.0.0.1, each sending GET requests in a loop until a deadline. A
connection the server closes (it said ``Connection: close``, or it closed an idle keep-alive
connection, which HTTP allows) is reopened and counted as a reconnect. Anything else (a non-2xx
status, a cut-off response, a reset mid-response, a timeout) is a failure. It shares the CPU with
the server, so its absolute rates are far below wrk's; ratios taken with it in one run compare.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Throughput:
    """What a benchmark reports of one load, whichever tool produced it."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx answers, socket errors and timeouts


@dataclass
class LoadResult:
    ok: int = 0
    failures: list[str] = field(default_factory=list)
    reconnects: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, one per answer
    seconds: float = 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0

    def throughput(self) -> Throughput:
        if len(self.latencies) < 2:
            raise RuntimeError(
                f"only {len(self.latencies)} answers in {self.seconds:.1f} s "
                f"({len(self.failures)} failures: {self.failures[:3]})"
            )
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return Throughput(
            requests_per_second=len(self.latencies) / self.seconds,
            p50_ms=cuts[49] * 1000,
            p99_ms=cuts[98] * 1000,
            requests=len(self.latencies),
            errors=len(self.failures),
        )


class ClosedBeforeReply(Exception):
    """The server closed the connection before answering: reopen and retry."""


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> None:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                return
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:  # no length: the body ends when the server closes
        await reader.read()


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request, read the whole answer; return its status and whether to keep alive."""
    try:
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
    except (ConnectionResetError, BrokenPipeError):
        raise ClosedBeforeReply from None
    if not status_line:
        raise ClosedBeforeReply
    version, status = status_line.split()[:2]
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError(f"connection closed inside the headers after {status_line!r}")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    await _read_body(reader, headers)
    framed = "content-length" in headers or "transfer-encoding" in headers
    keep_alive = framed and version == b"HTTP/1.1" and headers.get("connection") != "close"
    return int(status), keep_alive


async def _client(
    port: int, request: bytes, deadline: float, timeout: float, result: LoadResult
) -> None:
    streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    fresh = reopen = False
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            if streams is None:
                streams = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
                result.reconnects += reopen
                fresh, reopen = True, False
            status, keep_alive = await asyncio.wait_for(_exchange(*streams, request), timeout)
        except ClosedBeforeReply:
            if fresh:
                result.failures.append("a new connection was closed without a reply")
            keep_alive, reopen = False, True
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            result.failures.append(f"{type(error).__name__}: {error}")
            keep_alive = False
        else:
            result.latencies.append(time.monotonic() - started)
            if 200 <= status < 300:
                result.ok += 1
            else:
                result.failures.append(f"status {status}")
            fresh, reopen = False, not keep_alive
        if not keep_alive and streams is not None:
            streams[1].close()
            streams = None
    if streams is not None:
        streams[1].close()


async def run_load(
    port: int, path: str, connections: int, seconds: float, timeout: float
) -> LoadResult:
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()
    result = LoadResult()
    started = time.monotonic()
    clients = (
        _client(port, request, started + seconds, timeout, result) for _ in range(connections)
    )
    await asyncio.wait_for(asyncio.gather(*clients), seconds + timeout + 10)
    result.seconds = time.monotonic() - started
    return result


def load(
    port: int,
    path: str = "/health",
    connections: int = 64,
    seconds: float = 10,
    timeout: float = 10,
) -> LoadResult:
    """``connections`` keep-alive clients on ``path`` for ``seconds``; bounded in time."""
    return asyncio.run(run_load(port, path, connections, seconds, timeout))
