"""Sections 3 and 4: baked vs bare under the same server and load; their memory.

Endpoints: ``GET /health``, and one item read by id through the starter's data layer against
the bare app doing the same read with the same driver on the same database (see ``reads.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from live_server import LiveServer

from benchmarks.frameworks import SERVING
from benchmarks.load import Throughput, load
from benchmarks.project import Installed
from benchmarks.reads import create_item
from benchmarks.servers import cpu_seconds, peak_rss_mib, start_baked, start_bare, stop
from benchmarks.wrk import run_wrk

HEALTH = "/health"
WARM_UP_SECONDS = 2.0
REQUEST_TIMEOUT = 5.0


def run_load(tool: str, port: int, path: str, duration: float, connections: int) -> Throughput:
    if tool == "wrk":
        return run_wrk(port, path, duration, connections)
    return load(port, path, connections, duration, REQUEST_TIMEOUT).throughput()


@dataclass
class Side:
    """Measurements of one server (baked or bare) over the rounds of a run."""

    loads: list[Throughput] = field(default_factory=list)
    # Server CPU time (all its processes) per answered request, in microseconds: unlike
    # req/s, hardly affected by other work on the machine.
    cpu_us_per_request: list[float] = field(default_factory=list)
    rss_warm_mib: float = 0.0
    rss_loaded_mib: float = 0.0
    exit_status: int | None = None


@dataclass
class RuntimeResult:
    framework: str
    server: str
    tool: str
    bare: Side
    baked: Side
    endpoint: str = f"GET {HEALTH}"

    def round_ratios(self) -> list[float]:
        """baked ÷ bare req/s of each round: both loads of a round ran back to back."""
        pairs = zip(self.baked.loads, self.bare.loads, strict=True)
        return [baked.requests_per_second / bare.requests_per_second for baked, bare in pairs]


def measure_endpoint(
    servers: dict[str, LiveServer], path: str, tool: str, runs: int, duration: float, clients: int
) -> dict[str, Side]:
    """Warm both up, then ``runs`` rounds, bare first in even rounds and baked first in odd
    ones (ABBA...), so that drift in the machine's load hits both sides alike."""
    sides = {name: Side() for name in servers}
    for name, server in servers.items():
        run_load(tool, server.port, path, min(WARM_UP_SECONDS, duration), clients)
        sides[name].rss_warm_mib = peak_rss_mib(server)
    for round_number in range(runs):
        order = ("bare", "baked") if round_number % 2 == 0 else ("baked", "bare")
        for name in order:
            cpu_before = cpu_seconds(servers[name])
            result = run_load(tool, servers[name].port, path, duration, clients)
            cpu = cpu_seconds(servers[name]) - cpu_before
            sides[name].loads.append(result)
            sides[name].cpu_us_per_request.append(cpu * 1e6 / max(result.requests, 1))
    for name, server in servers.items():
        sides[name].rss_loaded_mib = peak_rss_mib(server)
    return sides


def measure_runtime(
    project: Installed,
    log_dir: Path,
    tool: str,
    runs: int,
    duration: float,
    connections: int,
    database: tuple[str, str] | None = None,
    health: bool = True,
) -> list[RuntimeResult]:
    """Both servers up at once on the same database (``(label, url)``, or the starter's
    default); ``/health`` if asked, then one item read by id when a database is given."""
    serving = SERVING[project.framework]
    url = database[1] if database else None
    servers: dict[str, LiveServer] = {}
    results = []
    try:
        # The baked server first: it migrates the database (for CubicWeb: creates the
        # instance) that both apps open.
        servers["baked"] = start_baked(project, log_dir, url)
        servers["baked"].wait_until_healthy(serving.startup_timeout)
        servers["bare"] = start_bare(project, log_dir, url)
        servers["bare"].wait_until_healthy(serving.startup_timeout)
        endpoints = [(f"GET {HEALTH}", HEALTH)] if health else []
        if database:
            path = create_item(project.framework, servers["baked"], servers["bare"])
            endpoints.append((f"GET one item by id ({database[0]})", path))
        for label, path in endpoints:
            sides = measure_endpoint(servers, path, tool, runs, duration, connections)
            results.append(
                RuntimeResult(
                    project.framework, serving.server, tool, sides["bare"], sides["baked"], label
                )
            )
    finally:
        exits = {name: stop(server) for name, server in servers.items()}
    for result in results:
        result.bare.exit_status, result.baked.exit_status = exits.get("bare"), exits.get("baked")
    return results
