"""Fixtures shared by every test: the real server, started as a subprocess on 127.0.0.1.

Most tests use the framework's own test client. What only the real server shows (the production
server, the reloader, signals, the one-line refusal of a bad setting) is tested through
``start_server``, which runs ``python -m {{ cookiecutter.package_name }}`` on a free port.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from {{ cookiecutter.package_name }} import settings

STARTUP_TIMEOUT = {{ framework_info(cookiecutter.framework).get("startup_timeout", 30) }}
STOP_TIMEOUT = 5.0


def find_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
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
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"exited {self.process.returncode}:\n{self.output()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.get("/health").status == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"not healthy after {timeout} s:\n{self.output()}")

    def wait(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """The exit status, or None if the process is still running after ``timeout``."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, sig: int = signal.SIGTERM, group: bool = False) -> int | None:
        """Send ``sig`` to the server, or to its whole group as Ctrl-C in a terminal does."""
        if self.process.poll() is None:
            if group:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
        return self.wait()

    def port_closed(self, timeout: float = STOP_TIMEOUT) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                return True
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.fixture
def free_port() -> int:
    """A free port on 127.0.0.1, for a server the test runs in this process."""
    return find_free_port()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start ``python -m {{ cookiecutter.package_name }}`` with the given settings (names without the prefix).

    ``start_server(ENV="production", SECRET_KEY="...")`` returns once ``/health`` answers;
    ``wait=False`` returns at once (e.g. to check a refusal). Settings from the environment of
    the test run are dropped first, and so are the variables named by ``drop_env`` prefixes.
    ``sigint_ignored=True`` starts it as a shell starts a background job (``cmd &``): with
    SIGINT ignored. Every server is killed, with its children, at teardown.
    """
    servers: list[LiveServer] = []

    def start(
        *,
        wait: bool = True,
        cwd: Path | None = None,
        drop_env: tuple[str, ...] = (),
        sigint_ignored: bool = False,
        **config: str,
    ) -> LiveServer:
        dropped = (settings.PREFIX, *drop_env)
        env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
        config.setdefault("PORT", str(find_free_port()))
        env.update({settings.env_var(name): value for name, value in config.items()})
        log_path = tmp_path / f"server-{len(servers)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "{{ cookiecutter.package_name }}"],
                cwd=cwd or tmp_path,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=ignore_sigint if sigint_ignored else None,
            )
        server = LiveServer(process, int(config["PORT"]), log_path)
        servers.append(server)
        if wait:
            server.wait_until_healthy()
        return server

    yield start
    for server in servers:
        server.kill()
