"""Start, check, measure and stop the baked and the bare production servers."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.frameworks import ENV_PREFIX, SERVING, bare_command
from benchmarks.project import Installed, clean_environ

HOST = "127.0.0.1"
# Production needs these; the values only matter to the benchmark.
BENCH_SECRET = "benchmark-secret-not-for-production"
BENCH_ADMIN_PASSWORD = "benchmark-admin-password"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def log_tail(self, size: int = 3000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-size:]

    def wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited {self.process.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                try:
                    connection.request("GET", "/health")
                    if connection.getresponse().status == 200:
                        return
                finally:
                    connection.close()
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def peak_rss_mib(self) -> float:
        """Sum of the peak resident set (VmHWM) of the server and all its descendants."""
        return sum(_status_kib(pid, "VmHWM") for pid in process_tree(self.process.pid)) / 1024

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the server and its live descendants."""
        ticks = 0
        for pid in process_tree(self.process.pid):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / CLOCK_TICKS

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM to the main process (as a supervisor does); SIGKILL the group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=10)


def _status_kib(pid: int, field: str) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # gone meanwhile
        return 0
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc (Linux)."""
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


def _start(
    name: str, command: list[str], cwd: Path, env: dict[str, str], port: int, log_dir: Path
) -> Server:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, process, port, log_path)


def instance_dir(log_dir: Path) -> Path:
    """Where the CubicWeb instance lives for this run (shared by the baked and bare app)."""
    return log_dir / "cubicweb-instances"


def start_baked(project: Installed, log_dir: Path) -> Server:
    """The project's console script in production, as its README runs it."""
    port = free_port()
    settings = {
        "ENV": "production",
        "SECRET_KEY": BENCH_SECRET,
        "HOST": HOST,
        "PORT": str(port),
        "ADMIN_PASSWORD": BENCH_ADMIN_PASSWORD,
        "INSTANCE_DIR": str(instance_dir(log_dir)),
        **SERVING[project.framework].baked_settings,
    }
    env = clean_environ({ENV_PREFIX + key: value for key, value in settings.items()})
    command = [str(project.console_script)]
    return _start(f"{project.framework}-baked", command, project.project_dir, env, port, log_dir)


def start_bare(project: Installed, log_dir: Path) -> Server:
    """``benchmarks/bare/<framework>_app.py`` with the project's interpreter and packages."""
    port = free_port()
    command = bare_command(project.framework, project.python, port, instance_dir(log_dir))
    env = clean_environ()
    return _start(f"{project.framework}-bare", command, log_dir, env, port, log_dir)
