"""Run the real server as a subprocess and talk HTTP to it: the helpers behind the live tests.

``conftest.py`` builds the ``start_server`` fixture on ``start``; tests may import the rest, e.g.
``from live_server import find_free_port``. Nothing here is specific to this project: the template
this project was generated from drives every starter's server with this same module.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0


def find_free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def set_cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


@dataclass
class LiveServer:
    """A server process in its own process group, its output (stdout + stderr) in one log."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
    ) -> Reply:
        """One request on a new connection."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Reply:
        """GET with headers given as keywords: ``accept="text/html"`` sends ``Accept``."""
        return self.request(
            "GET", path, headers={name.replace("_", "-"): value for name, value in headers.items()}
        )

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_until_healthy(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Return once ``GET /health`` answers 200; fail with the log if it exits or times out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"exited {self.process.returncode}:\n{self.output()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.request("GET", "/health", timeout=2).status == 200:
                    return
            time.sleep(0.02)  # a refused connection costs next to nothing; a start is ~1 s
        raise AssertionError(f"not healthy after {timeout} s:\n{self.output()}")

    def wait(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """The exit status, or None if the process is still running after ``timeout``."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(
        self, sig: int = signal.SIGTERM, group: bool = False, timeout: float = STOP_TIMEOUT
    ) -> int | None:
        """Send ``sig`` to the server, or to its whole group as Ctrl-C in a terminal does."""
        if self.process.poll() is None:
            if group:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
        return self.wait(timeout)

    def port_closed(self, timeout: float = STOP_TIMEOUT) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
            except OSError:
                return True
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        """SIGKILL the whole group: workers the server forked must not outlive a test."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start(
    command: list[str],
    *,
    port: int,
    log_path: Path,
    env: dict[str, str],
    cwd: Path,
    sigint_ignored: bool = False,
) -> LiveServer:
    """Start ``command`` in a new process group (so ``kill`` reaches its children) and return
    at once. ``sigint_ignored`` starts it as a shell starts a background job (``cmd &``)."""
    preexec: Callable[[], None] | None = ignore_sigint if sigint_ignored else None
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec,
        )
    return LiveServer(process, port, log_path)
