"""The real production server: the console script under gunicorn, over HTTP on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

import pytest

from {{ cookiecutter.package_name }} import PROJECT_NAME, settings

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0
UNICODE_TEXT = "Grüße, 世界 🎉"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start(tmp_path: Path, port: int, **config: str) -> Server:
    """`python -m {{ cookiecutter.package_name }}` in its own process group; output in one log."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(settings.PREFIX)}
    env.update({settings.env_var(name): value for name, value in config.items()})
    env[settings.env_var("PORT")] = str(port)
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "{{ cookiecutter.package_name }}"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(process, port, log)


def stop_group(server: Server) -> None:
    if server.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


def wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"server exited {server.process.returncode}:\n{server.output()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if server.request("GET", "/health").status == 200:
                return
        time.sleep(0.1)
    pytest.fail(f"server not healthy after {STARTUP_TIMEOUT}s:\n{server.output()}")


@pytest.fixture
def production_server(tmp_path: Path, free_port: int) -> Iterator[Server]:
    server = start(
        tmp_path, free_port, ENV="production", SECRET_KEY="integration-secret", WORKERS="1"
    )
    try:
        wait_until_healthy(server)
        yield server
    finally:
        stop_group(server)


def test_production_server_over_http_then_sigterm(production_server: Server) -> None:
    server = production_server
    health = server.request("GET", "/health")
    assert health.headers["Content-Type"] == "application/json"
    assert json.loads(health.body)["status"] == "ok"

    index = server.request("GET", "/")
    assert index.status == 200
    assert escape(PROJECT_NAME) in index.body.decode()

    hello = server.request("GET", "/hello/" + quote(UNICODE_TEXT))
    assert hello.status == 200
    assert UNICODE_TEXT in hello.body.decode()

    visits = server.request("GET", "/visits")
    cookie_flags = {flag.strip().lower() for flag in visits.headers["Set-Cookie"].split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= cookie_flags

    body = json.dumps({"text": UNICODE_TEXT}, ensure_ascii=False).encode()
    created = server.request("POST", "/api/notes", body, **{"Content-Type": "application/json"})
    assert created.status == 201
    assert json.loads(created.body)["text"] == UNICODE_TEXT

    missing = server.request("GET", "/no/such/page")
    assert missing.status == 404
    assert b"Traceback" not in missing.body
    api_missing = server.request("GET", "/api/notes/999")
    assert api_missing.status == 404
    assert json.loads(api_missing.body)["message"] == "note 999 does not exist"

    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    code = server.process.wait(timeout=STOP_TIMEOUT)
    assert code == 0, server.output()
    assert time.monotonic() - started < STOP_TIMEOUT
    output = server.output()
    assert "Booting worker" in output
    assert "Traceback" not in output


def test_production_without_secret_prints_one_line(tmp_path: Path, free_port: int) -> None:
    server = start(tmp_path, free_port, ENV="production")
    try:
        code = server.process.wait(timeout=STARTUP_TIMEOUT)
    finally:
        stop_group(server)
    lines = [line for line in server.output().splitlines() if line.strip()]
    assert code == 2
    assert len(lines) == 1, lines
    assert f"{settings.PREFIX}SECRET_KEY" in lines[0]
