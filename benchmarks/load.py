"""Load generators for ``GET /health``: wrk when installed, a bounded asyncio client otherwise.

Both keep ``connections`` connections busy for ``duration`` seconds and report requests per
second and the 50th/99th latency percentiles. The fallback is pure Python and shares the CPU
with the server, so its absolute figures are far lower than wrk's; ratios taken with the same
tool in the same run stay comparable.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass

HOST = "127.0.0.1"
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx answers, socket errors and timeouts


def wrk_path() -> str | None:
    return shutil.which("wrk")


def choose_tool(requested: str) -> str:
    """``wrk`` or ``python``: ``auto`` picks wrk when it is installed."""
    if requested == "auto":
        return "wrk" if wrk_path() else "python"
    if requested == "wrk" and not wrk_path():
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk); use --load python")
    return requested


def run_load(tool: str, port: int, path: str, duration: float, connections: int) -> LoadResult:
    if tool == "wrk":
        return run_wrk(port, path, duration, connections)
    return asyncio.run(python_load(port, path, duration, connections))


# wrk -------------------------------------------------------------------------------------------


def run_wrk(port: int, path: str, duration: float, connections: int) -> LoadResult:
    threads = min(2, connections)
    command = [
        wrk_path() or "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        "--timeout=5s",
        "--latency",
        f"http://{HOST}:{port}{path}",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=True
    )
    return parse_wrk(result.stdout)


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def parse_wrk(output: str) -> LoadResult:
    """Read ``wrk --latency`` output."""
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    requests = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not (requests and rate and "50" in percentiles and "99" in percentiles):
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx[1]) if non_2xx else 0
    return LoadResult(
        requests_per_second=float(rate[1]),
        p50_ms=_milliseconds(percentiles["50"]),
        p99_ms=_milliseconds(percentiles["99"]),
        requests=int(requests[1]),
        errors=errors,
    )


# Fallback: asyncio + raw HTTP/1.1 ---------------------------------------------------------------


class Connection:
    """One client connection: keep-alive while the server allows it, reconnect otherwise."""

    def __init__(self, port: int, request: bytes) -> None:
        self.port = port
        self.request = request
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self) -> int:
        """Send one request, read the whole answer, return its status."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(HOST, self.port)
        reader, writer = self.streams
        writer.write(self.request)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        status_line, *header_lines = head.split("\r\n")
        headers = dict(line.split(":", 1) for line in header_lines if ":" in line)
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
            keep_alive = "close" not in headers.get("connection", "") and "/1.1" in status_line
        else:  # no length: the body ends when the server closes
            await reader.read()
            keep_alive = False
        if not keep_alive:
            self.close()
        return int(status_line.split()[1])

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def python_load(port: int, path: str, duration: float, connections: int) -> LoadResult:
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal errors
        connection = Connection(port, request)
        try:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                try:
                    status = await asyncio.wait_for(connection.get(), 5)
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                    errors += 1
                    connection.close()
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                if not 200 <= status < 300:
                    errors += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(connections))), duration + 10)
    elapsed = time.perf_counter() - started
    if len(latencies) < 2:
        raise RuntimeError(f"only {len(latencies)} answers in {elapsed:.1f} s ({errors} errors)")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return LoadResult(
        requests_per_second=len(latencies) / elapsed,
        p50_ms=cuts[49],
        p99_ms=cuts[98],
        requests=len(latencies),
        errors=errors,
    )
