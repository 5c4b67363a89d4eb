"""Shared machinery for the repo's tests: template facts, isolated environments, live servers."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

# live_server.py ships in every generated project; pytest's pythonpath puts the skeleton on
# sys.path so these tests drive the servers with the very same helpers.
from live_server import STARTUP_TIMEOUT, LiveServer, Reply, find_free_port, start

from tests.environ import clean_environ, uv_binary

REPO_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_CONTEXT: dict[str, Any] = json.loads(
    (REPO_DIR / "cookiecutter.json").read_text(encoding="utf-8")
)
FRAMEWORKS: list[str] = TEMPLATE_CONTEXT["framework"]
LICENSES: list[str] = TEMPLATE_CONTEXT["license"]

# The name every framework is baked with for the deep checks: non-ASCII on purpose.
PROJECT_NAME = "Café Ünïcode"
PROJECT_SLUG = "cafe-unicode"
PACKAGE_NAME = "cafe_unicode"
ENV_PREFIX = "CAFE_UNICODE_"
TEST_SECRET = "repo-tests-secret-not-for-production"
# Worker processes for starters whose production server forks: more than one, so that state
# kept in one process's memory shows up as a failure.
WORKERS = 2
BROWSER_ACCEPT = "text/html,application/json;q=0.9"
# Why a starter without "data_layer" in its framework.json skips the database checks.
NO_DATA_LAYER = "no database yet: see its framework issue"


def framework_info(framework: str) -> dict[str, Any]:
    path = REPO_DIR / "templates" / framework / "framework.json"
    return json.loads(path.read_text(encoding="utf-8"))


def probes(framework: str) -> dict[str, Any]:
    """What the shared robustness suite needs to know about a starter: its framework.json probes."""
    return framework_info(framework)["probes"]


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
    uv = uv_binary()
    if uv:
        run([uv, "venv", "--quiet", "--python", python, str(venv_dir)], project_dir, 120)
        install = [uv, "pip", "install", "--quiet", "--python", str(venv_dir / "bin" / "python")]
    else:
        run([python, "-m", "venv", str(venv_dir)], project_dir, 120)
        install = [str(venv_dir / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run([*install, "-e", ".[dev]"], project_dir, 600)
    return ProjectEnv(project_dir, venv_dir, framework)


def raw_request(port: int, request: bytes, timeout: float = 10.0, head: bool = False) -> Reply:
    """Send bytes exactly as given (bad paths, huge headers...) and parse the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # A server may answer (e.g. 413) and close before reading a large request: keep its reply.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        reply = http.client.HTTPResponse(sock, method="HEAD" if head else None)
        reply.begin()
        return Reply(reply.status, reply.msg, reply.read())


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


class Server(LiveServer):
    """A starter's console script; its GETs ask for HTML first, as a browser does."""

    def get(self, path: str, **headers: str) -> Reply:
        return super().get(path, **{"accept": BROWSER_ACCEPT, **headers})


def start_server(project: ProjectEnv, log_path: Path, **settings: str) -> Server:
    """Start the console script named after the slug, in its own process group."""
    port = int(settings.setdefault("PORT", str(find_free_port())))
    command = [str(project.bin_dir / PROJECT_SLUG)]
    env = project.environ(**settings)
    started = start(command, port=port, log_path=log_path, env=env, cwd=project.project_dir)
    return Server(started.process, started.port, started.log_path)


@contextlib.contextmanager
def running_server(project: ProjectEnv, log_path: Path, **settings: str) -> Iterator[Server]:
    server = start_server(project, log_path, **settings)
    try:
        server.wait_until_healthy(startup_timeout(project.framework))
        yield server
    finally:
        server.kill()


class Services(Protocol):
    """Where the live tests get a fresh database and a Redis from (started on first use)."""

    def database_url(self, scheme: str) -> str: ...

    def redis_url(self) -> str: ...


def production_settings(
    framework: str, services: Services | None = None, scheme: str | None = None
) -> dict[str, str]:
    """The settings a deployer must give this framework in production.

    With ``services``, a starter whose framework.json says ``data_layer`` also gets a fresh
    database (``scheme``, by default PostgreSQL when it supports it), Redis if it uses it and
    ``WORKERS`` if it forks: the repo's tests then run it as it is deployed. Starters without a
    data layer get none of these, as they do not read them yet.
    """
    info = framework_info(framework)
    # The tests connect from 127.0.0.1 and play the TLS proxy there (X-Forwarded-Proto: https).
    settings = {"ENV": "production", "SECRET_KEY": TEST_SECRET, "TRUSTED_PROXIES": "127.0.0.1"}
    settings.update(info.get("production_env", {}))
    if services is None or not info.get("data_layer"):
        return settings
    settings["DATABASE_URL"] = services.database_url(scheme or preferred_scheme(framework))
    if info.get("uses_redis"):
        settings["REDIS_URL"] = services.redis_url()
    if info.get("forks_workers"):
        settings["WORKERS"] = str(WORKERS)
    return settings


def preferred_scheme(framework: str) -> str:
    schemes = framework_info(framework)["database_schemes"]
    return "postgresql" if "postgresql" in schemes else schemes[0]


def migrate(project: ProjectEnv, settings: dict[str, str]) -> None:
    """Apply the migrations to the settings' database, as a deployer does before starting."""
    if "DATABASE_URL" in settings:
        command = [str(project.bin_dir / PROJECT_SLUG), "migrate"]
        run(command, project.project_dir, 300, env=project.environ(**settings))


def startup_timeout(framework: str) -> float:
    return framework_info(framework).get("startup_timeout", STARTUP_TIMEOUT)
