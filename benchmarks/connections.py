"""Section 5: the Tornado starter's own ``benchmarks/connections.py`` on the baked project."""

from __future__ import annotations

import json
import resource
import subprocess
from typing import Any

from benchmarks.project import Installed, clean_environ

# Open files the script and the server need besides one per connection (listeners, the
# database, the control connections, Python's own).
SPARE_FILES = 300


def open_files_ceiling() -> int:
    """The most connections one process can hold here: the hard open-file limit, which only a
    privileged process can raise, less the spare files."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return 10**9 if hard == resource.RLIM_INFINITY else hard - SPARE_FILES


def measure_connections(project: Installed, count: int, timeout: float) -> dict[str, Any]:
    """Run the starter's script for ``count`` long polls (fewer if the open-file limit does
    not allow that many: the report says so); return its JSON report."""
    asked = min(count, open_files_ceiling())
    script = project.project_dir / "benchmarks" / "connections.py"
    command = [str(project.python), str(script), "-n", str(asked), "--timeout", str(timeout)]
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
    report["target"] = count
    if asked < count:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        report["limited_by"] = f"the hard open-file limit ({hard:,}) of this machine"
    return report
