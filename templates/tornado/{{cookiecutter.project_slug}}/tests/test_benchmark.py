"""Smoke runs of the connections benchmark (a few dozen connections): one process, and 2 workers
with Redis. Each run starts a server, so the assertions of a run share it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "connections.py"


def run_benchmark(*options: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "-n", "20", "--health-requests", "20", "--json", *options],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(completed.stdout)


def test_benchmark_smoke_run_from_several_loopback_addresses() -> None:
    """One process; 40 polls, 10 per source address, so past the per-address count."""
    report = run_benchmark("-n", "40", "--per-source-address", "10")
    assert report["source_addresses"] == 4
    assert report["held"] == report["delivered"] == report["held_after_delivery"] == 40
    assert report["failed_to_connect"] == 0
    assert report["waiting_after_close"] == 0
    assert report["server_exit_status"] == 0
    assert report["health_p99_ms"] > 0
    assert report["delivery_p99_ms"] > 0


def test_benchmark_smoke_run_with_two_workers_and_redis(redis_url: str) -> None:
    report = run_benchmark("--workers", "2", "--redis-url", redis_url, "--timeout", "50")
    assert report["held"] == report["delivered"] == report["held_after_delivery"] == 20
    assert sorted(report["held_per_worker"]) == ["0", "1"]  # /api/feed asked of each worker
    assert sum(report["held_per_worker"].values()) == 20
    assert report["waiting_after_close"] == 0
    assert report["server_exit_status"] == 0
