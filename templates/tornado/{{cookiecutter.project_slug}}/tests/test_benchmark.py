"""A smoke run of the connections benchmark (20 connections, a couple of seconds)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "connections.py"


def test_benchmark_smoke_run() -> None:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "-n", "20", "--health-requests", "20", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads(completed.stdout)
    assert report["held"] == 20
    assert report["failed_to_connect"] == 0
    assert report["waiting_after_close"] == 0
    assert report["server_exit_status"] == 0
    assert report["health_p99_ms"] > 0
