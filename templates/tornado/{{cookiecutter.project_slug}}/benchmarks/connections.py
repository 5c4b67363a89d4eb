"""Hold N concurrent long polls open against the server and measure what they cost.

Starts the production server (one process) on a free port of 127.0.0.1, opens N long polls,
then reports how many the server holds (``/api/feed``), its resident memory per connection (VmRSS
from /proc, Linux) and the latency of ``/health`` while they are held. The whole run is bounded
by ``--timeout``; the server is stopped with SIGTERM at the end.

    python benchmarks/connections.py              # smoke run: 100 connections
    python benchmarks/connections.py -n 10000     # the figure in the README
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.settings import PREFIX, env_var

HOST = "127.0.0.1"
PROJECT_DIR = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--connections", type=int, default=100, help="long polls to hold")
    parser.add_argument("--health-requests", type=int, default=200, help="for p50/p99")
    parser.add_argument("--batch", type=int, default=200, help="connections opened at once")
    parser.add_argument("--timeout", type=float, default=180.0, help="bound on the whole run (s)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser.parse_args(argv)


def raise_open_file_limit(needed: int) -> None:
    """Each connection is a file descriptor here too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        sys.exit(f"need {needed} open files but the hard limit is {hard}: raise it (ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc")


def start_server(
    port: int, args: argparse.Namespace, log: Any, database: Path
) -> subprocess.Popen[bytes]:
    """The production server on a fresh SQLite database, migrated first as a deployer does."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith(PREFIX)}
    environ.update(
        {
            env_var("ENV"): "production",
            env_var("SECRET_KEY"): secrets.token_urlsafe(32),
            env_var("HOST"): HOST,
            env_var("PORT"): str(port),
            env_var("LOG_LEVEL"): "WARNING",
            env_var("WORKERS"): "1",
            env_var("DATABASE_URL"): f"sqlite:///{database}",
            env_var("MAX_WAITERS"): str(args.connections + 100),
            # Longer than the run, so no poll answers while it is measured.
            env_var("POLL_TIMEOUT"): str(args.timeout * 2),
        }
    )
    migrate = [sys.executable, "-m", "{{ cookiecutter.package_name }}", "migrate"]
    subprocess.run(migrate, env=environ, stdout=log, stderr=subprocess.STDOUT, check=True)
    return subprocess.Popen(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}"],
        cwd=PROJECT_DIR,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


class Client:
    """One keep-alive HTTP/1.1 connection for small GET requests."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, port: int) -> Client:
        return cls(*await asyncio.open_connection(HOST, port))

    async def get(self, path: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(line.split(":", 1)[1])
            for line in lines
            if line.lower().startswith("content-length")
        )
        return status, await self.reader.readexactly(length)

    async def get_json(self, path: str) -> Any:
        status, body = await self.get(path)
        assert status == 200, (path, status, body)
        return json.loads(body)

    def close(self) -> None:
        self.writer.close()


async def wait_until_healthy(port: int, deadline: float) -> Client:
    while True:
        try:
            client = await Client.connect(port)
            await client.get_json("/health")
            return client
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def open_long_polls(port: int, count: int, batch: int) -> tuple[list[Any], int]:
    """Open ``count`` long polls, ``batch`` connection attempts at a time."""
    gate = asyncio.Semaphore(batch)
    request = f"GET /api/messages/updates?cursor=0 HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()

    async def open_one() -> asyncio.StreamWriter | None:
        async with gate:
            try:
                _reader, writer = await asyncio.open_connection(HOST, port)
            except OSError:
                return None
            writer.write(request)
            await writer.drain()
            return writer

    results = await asyncio.gather(*(open_one() for _ in range(count)))
    writers = [writer for writer in results if writer is not None]
    return writers, count - len(writers)


async def wait_for_waiting(client: Client, target: int, deadline: float) -> int:
    """Poll /api/feed until ``target`` clients wait (or the deadline passes); return the count."""
    while True:
        waiting = (await client.get_json("/api/feed"))["waiting"]
        if waiting == target or time.monotonic() > deadline:
            return waiting
        await asyncio.sleep(0.2)


async def measure(args: argparse.Namespace, port: int, pid: int) -> dict[str, Any]:
    deadline = time.monotonic() + args.timeout
    client = await wait_until_healthy(port, deadline)
    rss_idle = rss_kib(pid)

    started = time.monotonic()
    polls, failed = await open_long_polls(port, args.connections, args.batch)
    held = await wait_for_waiting(client, len(polls), deadline)
    open_seconds = time.monotonic() - started
    rss_held = rss_kib(pid)

    latencies = []
    for _ in range(args.health_requests):
        before = time.perf_counter()
        await client.get_json("/health")
        latencies.append((time.perf_counter() - before) * 1000)
    percentiles = statistics.quantiles(latencies, n=100, method="inclusive")

    for writer in polls:
        writer.close()
    remaining = await wait_for_waiting(client, 0, min(deadline, time.monotonic() + 30))
    client.close()
    return {
        "connections": args.connections,
        "held": held,
        "failed_to_connect": failed,
        "seconds_to_open": round(open_seconds, 2),
        "server_rss_idle_mib": round(rss_idle / 1024, 1),
        "server_rss_held_mib": round(rss_held / 1024, 1),
        "server_kib_per_connection": round((rss_held - rss_idle) / max(held, 1), 1),
        "health_p50_ms": round(percentiles[49], 2),
        "health_p99_ms": round(percentiles[98], 2),
        "waiting_after_close": remaining,
    }


def stop(server: subprocess.Popen[bytes]) -> int:
    server.send_signal(signal.SIGTERM)
    try:
        return server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        return server.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    raise_open_file_limit(args.connections + 200)
    port = free_port()
    with tempfile.TemporaryFile() as log, tempfile.TemporaryDirectory() as folder:
        server = start_server(port, args, log, Path(folder) / "benchmark.sqlite3")
        try:
            report = asyncio.run(asyncio.wait_for(measure(args, port, server.pid), args.timeout))
        except BaseException:
            stop(server)
            log.seek(0)
            print(log.read().decode(errors="replace"), file=sys.stderr)
            raise
        report["server_exit_status"] = stop(server)
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:28} {value}")
    complete = report["held"] == args.connections and report["waiting_after_close"] == 0
    return 0 if complete and report["server_exit_status"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
