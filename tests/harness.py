"""Shared machinery for the repo's tests: template facts, isolated environments, live servers."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_CONTEXT: dict[str, Any] = json.loads(
    (REPO_DIR / "cookiecutter.json").read_text(encoding="utf-8")
)
FRAMEWORKS: list[str] = TEMPLATE_CONTEXT["framework"]
LICENSES: list[str] = TEMPLATE_CONTEXT["license"]

# The name every framework is baked with for the deep checks: non-ASCII on purpose.
PROJECT_NAME = "Café Ünïcode"
PROJECT_SLUG = "cafe-unicode"
ENV_PREFIX = "CAFE_UNICODE_"
TEST_SECRET = "repo-tests-secret-not-for-production"


def framework_info(framework: str) -> dict[str, Any]:
    path = REPO_DIR / "templates" / framework / "framework.json"
    return json.loads(path.read_text(encoding="utf-8"))


def run(command: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> str:
    """Run a command, fail with its output if it fails, return its output."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{output}"
    return output


def assert_ruff_clean(project: Path) -> None:
    """``ruff check`` and ``ruff format --check`` pass with the project's own configuration."""
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "--quiet", "."],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def clean_environ(prefix: str) -> dict[str, str]:
    """This process's environment without any setting that would leak into a baked project."""
    drop = ("VIRTUAL_ENV", "PYTHONPATH", "COV_CORE_SOURCE", "COV_CORE_CONFIG", "COV_CORE_DATAFILE")
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(prefix) and key not in drop and not key.startswith("PYTEST_")
    }


@dataclass
class ProjectEnv:
    """A baked project installed with ``pip install -e ".[dev]"`` in its own fresh venv."""

    project_dir: Path
    venv_dir: Path
    framework: str

    @property
    def bin_dir(self) -> Path:
        return self.venv_dir / "bin"

    def environ(self, **settings: str) -> dict[str, str]:
        """A clean environment with the given contract settings (names without the prefix)."""
        env = clean_environ(ENV_PREFIX)
        env["PATH"] = f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}"
        env.update({ENV_PREFIX + name: value for name, value in settings.items()})
        return env


def create_project_env(
    project_dir: Path, venv_dir: Path, framework: str, python: str = sys.executable
) -> ProjectEnv:
    """Install the project in a fresh venv of ``python``, with uv when it is there and venv + pip
    otherwise."""
    uv = shutil.which("uv")
    if uv:
        run([uv, "venv", "--quiet", "--python", python, str(venv_dir)], project_dir, 120)
        install = [uv, "pip", "install", "--quiet", "--python", str(venv_dir / "bin" / "python")]
    else:
        run([python, "-m", "venv", str(venv_dir)], project_dir, 120)
        install = [str(venv_dir / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*install, "-e", ".[dev]"], project_dir, 600)
    return ProjectEnv(project_dir, venv_dir, framework)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    set_cookies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


def raw_request(port: int, request: bytes, timeout: float = 10.0, head: bool = False) -> Response:
    """Send bytes exactly as given (bad paths, huge headers...) and parse the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # A server may answer (e.g. 413) and close before reading a large request: keep its reply.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        reply = http.client.HTTPResponse(sock, method="HEAD" if head else None)
        reply.begin()
        headers = {name.lower(): value for name, value in reply.getheaders()}
        set_cookies = reply.msg.get_all("Set-Cookie") or []
        return Response(reply.status, headers, reply.read(), set_cookies)


def build_request(
    method: str,
    target: bytes | str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> bytes:
    """An HTTP/1.1 request with ``Connection: close``; ``target`` may hold any bytes."""
    raw_target = target.encode("latin-1") if isinstance(target, str) else target
    lines = [method.encode("ascii") + b" " + raw_target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    all_headers = {"Connection": "close", **(headers or {})}
    if body or method in {"POST", "PUT", "PATCH"}:
        all_headers.setdefault("Content-Length", str(len(body)))
    lines += [f"{name}: {value}".encode("latin-1") for name, value in all_headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def http_get(port: int, path: str, timeout: float = 10.0) -> Response:
    accept = {"Accept": "text/html,application/json;q=0.9"}
    return raw_request(port, build_request("GET", path, headers=accept), timeout=timeout)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def get(self, path: str) -> Response:
        return http_get(self.port, path)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited {self.process.returncode}:\n{self.log()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if http_get(self.port, "/health", timeout=2).status == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"server not healthy after {timeout}s:\n{self.log()}")

    def stop(self, sig: int, whole_group: bool = False, timeout: float = 5.0) -> int | None:
        """Send ``sig`` (to the whole process group, as Ctrl-C in a terminal does); wait."""
        if self.process.poll() is None:
            if whole_group:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_server(project: ProjectEnv, log_path: Path, **settings: str) -> Server:
    """Start the console script named after the slug, in its own process group."""
    port = int(settings.setdefault("PORT", str(free_port())))
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(project.bin_dir / PROJECT_SLUG)],
            cwd=project.project_dir,
            env=project.environ(**settings),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(process, port, log_path)


@contextlib.contextmanager
def running_server(project: ProjectEnv, log_path: Path, **settings: str) -> Iterator[Server]:
    server = start_server(project, log_path, **settings)
    try:
        server.wait_until_healthy(framework_info(project.framework).get("startup_timeout", 30))
        yield server
    finally:
        server.kill()


def production_settings(framework: str) -> dict[str, str]:
    """The settings a deployer must give this framework in production."""
    settings = {"ENV": "production", "SECRET_KEY": TEST_SECRET}
    settings.update(framework_info(framework).get("production_env", {}))
    return settings
