"""Sections 3 and 4: baked vs bare under the same server and load; their memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.frameworks import SERVING
from benchmarks.load import LoadResult, run_load
from benchmarks.project import Installed
from benchmarks.servers import Server, start_baked, start_bare

PATH = "/health"
WARM_UP_SECONDS = 2.0


@dataclass
class Side:
    """Measurements of one server (baked or bare) over the rounds of a run."""

    loads: list[LoadResult] = field(default_factory=list)
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
    servers: dict[str, Server] = {}
    try:
        # The baked server first: for CubicWeb it creates the instance both apps open.
        servers["baked"] = start_baked(project, log_dir)
        servers["baked"].wait_until_healthy(serving.startup_timeout)
        servers["bare"] = start_bare(project, log_dir)
        servers["bare"].wait_until_healthy(serving.startup_timeout)
        for name, server in servers.items():
            run_load(tool, server.port, PATH, min(WARM_UP_SECONDS, duration), connections)
            sides[name].rss_warm_mib = server.peak_rss_mib()
        for round_number in range(runs):
            order = ("bare", "baked") if round_number % 2 == 0 else ("baked", "bare")
            for name in order:
                cpu_before = servers[name].cpu_seconds()
                result = run_load(tool, servers[name].port, PATH, duration, connections)
                cpu = servers[name].cpu_seconds() - cpu_before
                sides[name].loads.append(result)
                sides[name].cpu_us_per_request.append(cpu * 1e6 / max(result.requests, 1))
        for name, server in servers.items():
            sides[name].rss_loaded_mib = server.peak_rss_mib()
    finally:
        for name, server in servers.items():
            sides[name].exit_status = server.stop()
    return RuntimeResult(project.framework, serving.server, tool, sides["bare"], sides["baked"])
