"""Sections 3 and 4: baked vs bare under the same server and load; their memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from live_server import LiveServer

from benchmarks.frameworks import SERVING
from benchmarks.load import Throughput, load
from benchmarks.project import Installed
from benchmarks.servers import cpu_seconds, peak_rss_mib, start_baked, start_bare, stop
from benchmarks.wrk import run_wrk

PATH = "/health"
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


def measure_runtime(
    project: Installed, log_dir: Path, tool: str, runs: int, duration: float, connections: int
) -> RuntimeResult:
    """Both servers up at once; loads alternate between them so drift hits both alike."""
    serving = SERVING[project.framework]
    sides = {"bare": Side(), "baked": Side()}
    servers: dict[str, LiveServer] = {}
    try:
        # The baked server first: for CubicWeb it creates the instance both apps open.
        servers["baked"] = start_baked(project, log_dir)
        servers["baked"].wait_until_healthy(serving.startup_timeout)
        servers["bare"] = start_bare(project, log_dir)
        servers["bare"].wait_until_healthy(serving.startup_timeout)
        for name, server in servers.items():
            run_load(tool, server.port, PATH, min(WARM_UP_SECONDS, duration), connections)
            sides[name].rss_warm_mib = peak_rss_mib(server)
        for round_number in range(runs):
            order = ("bare", "baked") if round_number % 2 == 0 else ("baked", "bare")
            for name in order:
                cpu_before = cpu_seconds(servers[name])
                result = run_load(tool, servers[name].port, PATH, duration, connections)
                cpu = cpu_seconds(servers[name]) - cpu_before
                sides[name].loads.append(result)
                sides[name].cpu_us_per_request.append(cpu * 1e6 / max(result.requests, 1))
        for name, server in servers.items():
            sides[name].rss_loaded_mib = peak_rss_mib(server)
    finally:
        for name, server in servers.items():
            sides[name].exit_status = stop(server)
    return RuntimeResult(project.framework, serving.server, tool, sides["bare"], sides["baked"])
