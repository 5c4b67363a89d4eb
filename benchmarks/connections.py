"""Section 5: the Tornado starter's own ``benchmarks/connections.py`` on the baked project."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from benchmarks.project import Installed, clean_environ


def measure_connections(project: Installed, count: int, timeout: float) -> dict[str, Any]:
    """Run the starter's script for ``count`` long polls; return its JSON report."""
    script = project.project_dir / "benchmarks" / "connections.py"
    command = [str(project.python), str(script), "-n", str(count), "--timeout", str(timeout)]
    result = subprocess.run(
        [*command, "--json"],
        cwd=project.project_dir,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=timeout + 60,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"connections.py exited {result.returncode}:\n{result.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    report["script_exit_status"] = result.returncode
    return report
