"""Hold N concurrent long polls open against the server and measure what they cost.

Starts the production server on a free port of 127.0.0.1 (one process, or ``--workers 2`` with
a redis-server of its own on another free loopback port), opens N long polls, then reports how
many the server holds (``/api/feed`` of each worker), its resident memory per connection (VmRSS
from /proc, Linux; all processes summed), the latency of ``/health`` while they are held, and the
time from one post to its delivery to every long poll (p50/p99/max over the N polls). The whole
run is bounded by ``--timeout``; the server (and Redis) is stopped with SIGTERM at the end.

    python benchmarks/connections.py                 # 10,000 long polls, one process
    python benchmarks/connections.py --workers 2     # 10,000 across 2 workers and Redis
    python benchmarks/connections.py -n 500          # a quick run
    python benchmarks/connections.py -n 50000        # from 127.0.0.1, 127.0.0.2, ...

Linux gives a client one range of ephemeral ports (28,232 by default) per source address and
destination, so past 25,000 connections the polls come from several loopback addresses
(127.0.0.1, 127.0.0.2, ...; all of 127/8 is loopback). Each connection is also an open file in
this script and in the server: the run needs an open-file limit (``ulimit -n``, raised here up
to the hard limit) above the count, or it stops before starting and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import shutil
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
# Connections per source address: under the 28,232 ports of Linux's default ephemeral range.
PER_SOURCE_ADDRESS = 25_000
# Between two looks at the server (is it up? how many polls wait?): short, as each look is one
# small request, so the times measured are not rounded up to it.
POLL_SECONDS = 0.02
PROJECT_DIR = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--connections", type=int, default=10_000, help="long polls to hold")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (2+: Redis)")
    parser.add_argument(
        "--redis-url", help="with --workers 2+: this Redis instead of a redis-server of its own"
    )
    parser.add_argument(
        "--per-source-address",
        type=int,
        default=PER_SOURCE_ADDRESS,
        help="polls from each of 127.0.0.1, 127.0.0.2, ... (default 25,000)",
    )
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


def source_addresses(count: int, per_address: int = PER_SOURCE_ADDRESS) -> list[str]:
    """127.0.0.1, 127.0.0.2, ...: one loopback address per ``per_address`` polls."""
    return [f"127.0.0.{1 + index}" for index in range(max(1, -(-count // per_address)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and of its children (the forked workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) + sum(rss_kib(int(child)) for child in children)
    raise RuntimeError("no VmRSS in /proc")


def start_redis(log: Any) -> tuple[subprocess.Popen[bytes], str]:
    """A throwaway redis-server on a free port of 127.0.0.1 (no persistence)."""
    server = shutil.which("redis-server")
    if server is None:
        sys.exit("--workers 2+ needs redis-server (apt-get install redis-server) or --redis-url")
    port = free_port()
    command = [server, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return process, f"redis://{HOST}:{port}/0"
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                stop(process)
                sys.exit("redis-server did not start")
            time.sleep(0.05)


def start_server(
    port: int, args: argparse.Namespace, log: Any, database: Path, redis_url: str | None
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
            env_var("WORKERS"): str(args.workers),
            env_var("DATABASE_URL"): f"sqlite:///{database}",
            env_var("MAX_WAITERS"): str(args.connections + 100),
            # Longer than the run, so no poll answers while it is measured.
            env_var("POLL_TIMEOUT"): str(args.timeout * 2),
        }
    )
    if redis_url:
        environ[env_var("REDIS_URL")] = redis_url
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
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.worker = ""  # the X-Worker header of the last answer

    @classmethod
    async def connect(cls, port: int, source: str | None = None) -> Client:
        local = (source, 0) if source else None
        return cls(*await asyncio.open_connection(HOST, port, local_addr=local))

    async def send(self, method: str, path: str, body: bytes = b"") -> None:
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        await self.writer.drain()

    async def receive(self) -> tuple[int, bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        self.worker = headers.get("x-worker", "")
        return int(lines[0].split()[1]), await self.reader.readexactly(
            int(headers["content-length"])
        )

    async def get(self, path: str) -> tuple[int, bytes]:
        await self.send("GET", path)
        return await self.receive()

    async def get_json(self, path: str) -> Any:
        status, body = await self.get(path)
        assert status == 200, (path, status, body)
        return json.loads(body)

    async def post_json(self, path: str, data: Any) -> Any:
        await self.send("POST", path, json.dumps(data).encode())
        status, body = await self.receive()
        assert status == 201, (path, status, body)
        return json.loads(body)

    def close(self) -> None:
        self.writer.close()


async def wait_until_healthy(port: int, deadline: float) -> Client:
    while True:
        try:
            client = await Client.connect(port)
            await client.get_json("/health")
            return client
        except (OSError, asyncio.IncompleteReadError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(POLL_SECONDS)


async def one_client_per_worker(port: int, workers: int, deadline: float) -> list[Client]:
    """Kept-alive control connections, one to each worker (the X-Worker header says which)."""
    found: dict[str, Client] = {}
    while len(found) < workers:
        if time.monotonic() > deadline:
            raise TimeoutError(f"reached only workers {sorted(found)}")
        client = await wait_until_healthy(port, deadline)
        if client.worker in found:
            client.close()
        else:
            found[client.worker] = client
    return [found[worker] for worker in sorted(found)]


async def open_long_polls(
    port: int, count: int, batch: int, sources: list[str]
) -> tuple[list[Client], int]:
    """Open ``count`` long polls, ``batch`` connection attempts at a time, spread over the
    source addresses."""
    gate = asyncio.Semaphore(batch)

    async def open_one(index: int) -> Client | None:
        async with gate:
            try:
                client = await Client.connect(port, sources[index % len(sources)])
            except OSError:
                return None
            await client.send("GET", "/api/messages/updates?cursor=0")
            return client

    results = await asyncio.gather(*(open_one(index) for index in range(count)))
    polls = [client for client in results if client is not None]
    return polls, count - len(polls)


async def wait_for_waiting(controls: list[Client], target: int, deadline: float) -> list[int]:
    """Poll each worker's /api/feed until ``target`` clients wait in all (or the deadline
    passes); return the count of each worker."""
    while True:
        waiting = [(await client.get_json("/api/feed"))["waiting"] for client in controls]
        if sum(waiting) == target or time.monotonic() > deadline:
            return waiting
        await asyncio.sleep(POLL_SECONDS)


async def deliver_one_post(controls: list[Client], polls: list[Client]) -> tuple[list[float], int]:
    """Post one message and time its arrival at every long poll (ms); each poll then waits
    again, after the new message. Returns the delays and how many polls got something else."""
    arrived: list[float] = []
    wrong = 0

    async def receive(poll: Client) -> None:
        nonlocal wrong
        status, body = await poll.receive()
        arrived.append(time.perf_counter())
        texts = [message["text"] for message in json.loads(body)["messages"]]
        wrong += status != 200 or texts != ["benchmark"]

    readers = [asyncio.ensure_future(receive(poll)) for poll in polls]
    await asyncio.sleep(0)  # every reader is waiting before the post
    posted = time.perf_counter()
    message = (await controls[-1].post_json("/api/messages", {"text": "benchmark"}))["message"]
    await asyncio.gather(*readers)
    for poll in polls:
        await poll.send("GET", f"/api/messages/updates?cursor={message['id']}")
    return [(moment - posted) * 1000 for moment in arrived], wrong


def percentile(values: list[float], rank: int) -> float:
    if len(values) < 2:
        return round(values[0], 2) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[rank - 1], 2)


async def measure(args: argparse.Namespace, port: int, pid: int) -> dict[str, Any]:
    deadline = time.monotonic() + args.timeout
    controls = await one_client_per_worker(port, args.workers, deadline)
    rss_idle = rss_kib(pid)

    started = time.monotonic()
    sources = source_addresses(args.connections, args.per_source_address)
    polls, failed = await open_long_polls(port, args.connections, args.batch, sources)
    held = await wait_for_waiting(controls, len(polls), deadline)
    open_seconds = time.monotonic() - started
    rss_held = rss_kib(pid)

    latencies = []
    for _ in range(args.health_requests):
        before = time.perf_counter()
        await controls[0].get_json("/health")
        latencies.append((time.perf_counter() - before) * 1000)

    delays, wrong = await deliver_one_post(controls, polls)
    per_worker = {worker: 0 for worker in sorted(client.worker for client in controls)}
    for poll in polls:
        per_worker[poll.worker] = per_worker.get(poll.worker, 0) + 1
    held_again = await wait_for_waiting(controls, len(polls), deadline)

    for poll in polls:
        poll.close()
    remaining = await wait_for_waiting(controls, 0, min(deadline, time.monotonic() + 30))
    for client in controls:
        client.close()
    return {
        "connections": args.connections,
        "workers": args.workers,
        "source_addresses": len(sources),
        "held": sum(held),
        "held_per_worker": per_worker,
        "failed_to_connect": failed,
        "seconds_to_open": round(open_seconds, 2),
        "server_rss_idle_mib": round(rss_idle / 1024, 1),
        "server_rss_held_mib": round(rss_held / 1024, 1),
        "server_kib_per_connection": round((rss_held - rss_idle) / max(sum(held), 1), 1),
        "health_p50_ms": percentile(latencies, 50),
        "health_p99_ms": percentile(latencies, 99),
        "delivered": len(delays) - wrong,
        "delivery_p50_ms": percentile(delays, 50),
        "delivery_p99_ms": percentile(delays, 99),
        "delivery_max_ms": round(max(delays, default=0.0), 2),
        "held_after_delivery": sum(held_again),
        "waiting_after_close": sum(remaining),
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
        redis, redis_url = None, args.redis_url
        if args.workers > 1 and not redis_url:
            redis, redis_url = start_redis(log)
        server = start_server(port, args, log, Path(folder) / "benchmark.sqlite3", redis_url)
        try:
            report = asyncio.run(asyncio.wait_for(measure(args, port, server.pid), args.timeout))
        except BaseException:
            stop(server)
            log.seek(0)
            print(log.read().decode(errors="replace"), file=sys.stderr)
            raise
        finally:
            if redis is not None:
                stop(redis)
        report["server_exit_status"] = stop(server)
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:28} {value}")
    complete = (
        report["held"] == report["delivered"] == report["held_after_delivery"] == args.connections
        and report["waiting_after_close"] == 0
    )
    return 0 if complete and report["server_exit_status"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
