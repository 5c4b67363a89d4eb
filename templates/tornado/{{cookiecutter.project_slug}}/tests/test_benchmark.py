"""Smoke runs of the connections benchmark (20 connections): one process, and 2 workers with
Redis."""

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


def test_benchmark_smoke_run() -> None:
    report = run_benchmark()
    assert report["held"] == 20
    assert report["failed_to_connect"] == 0
    assert report["waiting_after_close"] == 0
    assert report["server_exit_status"] == 0
    assert report["health_p99_ms"] > 0
    assert report["delivered"] == 20
    assert report["delivery_p99_ms"] > 0


def test_polls_come_from_several_loopback_addresses_past_the_per_address_count() -> None:
    report = run_benchmark("-n", "40", "--per-source-address", "10")
    assert report["source_addresses"] == 4
    assert report["held"] == report["delivered"] == 40


def test_benchmark_smoke_run_with_two_workers_and_redis(redis_url: str) -> None:
    report = run_benchmark("--workers", "2", "--redis-url", redis_url, "--timeout", "50")
    assert report["held"] == report["delivered"] == report["held_after_delivery"] == 20
    assert sorted(report["held_per_worker"]) == ["0", "1"]  # /api/feed asked of each worker
    assert sum(report["held_per_worker"].values()) == 20
    assert report["waiting_after_close"] == 0
    assert report["server_exit_status"] == 0
