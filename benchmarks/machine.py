"""The machine and the versions a report was measured with."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from benchmarks.wrk import wrk_path
from tests.environ import uv_binary


def _first_line(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "not found"
    return ((result.stdout or result.stderr).strip().splitlines() or ["?"])[0]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib() -> str:
    try:
        first = Path("/proc/meminfo").read_text().splitlines()[0]
        return f"{int(first.split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, IndexError, ValueError):
        return "unknown"


def describe() -> list[tuple[str, str]]:
    wrk = wrk_path()
    uv_tool = uv_binary()
    return [
        ("Date", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("CPU", f"{cpu_model()}, {os.cpu_count()} logical CPUs"),
        ("Memory", memory_gib()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("cookiecutter", metadata.version("cookiecutter")),
        ("uv", _first_line([uv_tool, "--version"]) if uv_tool else "not installed"),
        ("wrk", _first_line([wrk, "--version"]) if wrk else "not installed"),
        ("Runner", sys.executable),
    ]


def versions(python: Path, distributions: tuple[str, ...]) -> str:
    """``name version`` of each distribution installed for ``python``."""
    code = (
        "import sys\nfrom importlib import metadata\n"
        "print(', '.join(f'{d} {metadata.version(d)}' for d in sys.argv[1:]))"
    )
    return _first_line([str(python), "-c", code, *distributions])
