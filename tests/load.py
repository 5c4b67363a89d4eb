"""A small, bounded HTTP/1.1 load generator and process-memory probe for the load tests.

Keep-alive connections on 127.0.0.1, each sending GET requests in a loop until a deadline. A
connection the server closes between requests is reopened (HTTP allows that for idle keep-alive
connections); anything else (an error status, a cut-off response, a reset mid-response) is a
failure.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadResult:
    ok: int = 0
    failures: list[str] = field(default_factory=list)
    reconnects: int = 0
    latencies: list[float] = field(default_factory=list)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


class ClosedBeforeReply(Exception):
    """The server closed an idle keep-alive connection before answering: reopen and retry."""


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    try:
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
    except (ConnectionResetError, BrokenPipeError):
        raise ClosedBeforeReply from None
    if not status_line:
        raise ClosedBeforeReply
    status = int(status_line.split()[1])
    length = 0
    chunked = False
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError(f"connection closed inside the headers after {status_line!r}")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.readexactly(length)
    return status, body


async def _client(port: int, path: str, deadline: float, result: LoadResult) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    reader = writer = None
    fresh = True
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                fresh = True
            started = time.monotonic()
            status, _ = await asyncio.wait_for(_exchange(reader, writer, request), timeout=10)
            result.latencies.append(time.monotonic() - started)
            if status == 200:
                result.ok += 1
            else:
                result.failures.append(f"status {status}")
            fresh = False
        except ClosedBeforeReply:
            if fresh:
                result.failures.append("a new connection was closed without a reply")
            result.reconnects += 1
            writer.close()
            reader = writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            result.failures.append(f"{type(error).__name__}: {error}")
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def run_load(port: int, path: str, connections: int, seconds: float) -> LoadResult:
    """``connections`` keep-alive clients on ``path`` for ``seconds``; bounded in time."""
    result = LoadResult()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_client(port, path, deadline, result) for _ in range(connections)))
    return result


def load(
    port: int, path: str = "/health", connections: int = 64, seconds: float = 10
) -> LoadResult:
    return asyncio.run(run_load(port, path, connections, seconds))


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (workers, reloader children)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        pending.extend(int(child) for child in children)
    return total
