"""A server's processes (the server and every worker it forked) and their memory and CPU, from
/proc (Linux)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name may contain spaces: the ppid follows the last ')'.
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _status_kib(pid: int, field: str) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # gone meanwhile
        return 0
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def tree_rss_bytes(root: int) -> int:
    """Resident memory now (VmRSS) of ``root`` and its descendants."""
    return sum(_status_kib(pid, "VmRSS") for pid in process_tree(root)) * 1024


def tree_peak_rss_bytes(root: int) -> int:
    """Sum of the peak resident sets (VmHWM) of ``root`` and its descendants."""
    return sum(_status_kib(pid, "VmHWM") for pid in process_tree(root)) * 1024


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU time used so far by ``root`` and its live descendants."""
    ticks = 0
    for pid in process_tree(root):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / CLOCK_TICKS
