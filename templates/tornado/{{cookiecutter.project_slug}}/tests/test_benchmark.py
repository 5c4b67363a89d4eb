"""A smoke run of the connections benchmark (a dozen connections) through every option it
adds to the default one-process run: 2 workers, Redis, several source addresses. The run starts
a server (and runs `migrate` first), so one run carries all the assertions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "connections.py"


def run_benchmark(*options: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--health-requests", "10", "--json", *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(completed.stdout)


def test_benchmark_smoke_run_with_two_workers_redis_and_several_source_addresses(
    redis_url: str,
) -> None:
    """12 polls, 4 per source address (so past the per-address count), across 2 workers: the
    least that takes every path; the run's time is the server's start and stop."""
    report = run_benchmark(
        "-n", "12", "--per-source-address", "4", "--workers", "2", "--redis-url", redis_url,
        "--timeout", "50",
    )  # fmt: skip
    assert report["source_addresses"] == 3
    assert report["held"] == report["delivered"] == report["held_after_delivery"] == 12
    assert report["failed_to_connect"] == 0
    assert sorted(report["held_per_worker"]) == ["0", "1"]  # /api/feed asked of each worker
    assert sum(report["held_per_worker"].values()) == 12
    assert report["waiting_after_close"] == 0
    assert report["server_exit_status"] == 0
    assert report["health_p99_ms"] > 0
    assert report["delivery_p99_ms"] > 0
