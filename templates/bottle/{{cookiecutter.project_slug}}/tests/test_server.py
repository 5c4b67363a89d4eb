"""The real server, started as a separate process on a free port on 127.0.0.1."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import settings

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_closes(port: int, timeout: float = STOP_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        time.sleep(0.05)
    return False


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

    def request(self, method: str, path: str, body: bytes = b"", **headers: str) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {name.replace("_", "-"): value for name, value in headers.items()}
            connection.request(method, path, body=body or None, headers=headers)
            reply = connection.getresponse()
            return Reply(reply.status, reply.headers, reply.read())
        finally:
            connection.close()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.request("GET", "/health").status == 200:
                    return
            time.sleep(0.1)
        pytest.fail(f"no answer on port {self.port} within {STARTUP_TIMEOUT}s:\n{self.output()}")

    def stop(self, sig: int, whole_group: bool = False) -> int | None:
        if whole_group:
            os.killpg(self.process.pid, sig)  # what Ctrl-C in a terminal does
        else:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            return None


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def running(tmp_path: Path, sigint_ignored: bool = False, **values: str) -> Iterator[Server]:
    """``python -m <package>`` with the given settings, in its own process group.

    ``sigint_ignored`` starts it the way a shell starts a background job (``cmd &``).
    """
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith((settings.PREFIX, "BOTTLE_", "COV_CORE_"))
    }
    port = free_port()
    environ.update({settings.env_var(name): value for name, value in values.items()})
    environ[settings.env_var("PORT")] = str(port)
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", settings.__package__],
            cwd=tmp_path,
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=ignore_sigint if sigint_ignored else None,
        )
    server = Server(process, port, log)
    try:
        server.wait_until_healthy()
        yield server
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----test-boundary-7d9f"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_production_server_uploads_and_stops_on_sigterm(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    with running(
        tmp_path, ENV="production", SECRET_KEY="live-test-secret", UPLOAD_DIR=str(uploads)
    ) as server:
        page = server.request("GET", "/uploads")
        assert page.status == 200
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        set_cookie = page.headers["Set-Cookie"]
        assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
        cookie = set_cookie.split(";")[0]
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()

        body, content_type = multipart({"csrf_token": token}, "../../report.csv", b"a,b\n1,2\n")
        posted = server.request("POST", "/uploads", body, Cookie=cookie, Content_Type=content_type)
        assert posted.status == 303, posted.body
        assert (uploads / "report.csv").read_bytes() == b"a,b\n1,2\n"

        download = server.request("GET", "/uploads/report.csv")
        assert download.status == 200
        assert download.headers["Content-Type"] == "text/csv; charset=UTF-8"
        assert download.body == b"a,b\n1,2\n"

        big, content_type = multipart({"csrf_token": token}, "big.txt", b"x" * 1_100_000)
        refused = server.request("POST", "/uploads", big, Cookie=cookie, Content_Type=content_type)
        assert refused.status == 413

        missing = server.request("GET", "/no/such/page")
        assert missing.status == 404 and b"Traceback" not in missing.body

        assert server.stop(signal.SIGTERM) == 0, server.output()
    output = server.output()
    assert "WaitressServer" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("sigint_ignored", [False, True])
def test_development_reloader_stops_on_ctrl_c(tmp_path: Path, sigint_ignored: bool) -> None:
    with running(tmp_path, sigint_ignored, ENV="development") as server:
        assert server.request("GET", "/").status == 200
        assert server.stop(signal.SIGINT, whole_group=True) == 0, server.output()
    # Only the reloader's child served: the parent never built a server of its own.
    assert server.output().count("server starting up") == 1
    # The child got Ctrl-C too, and does not outlive its parent for long.
    assert port_closes(server.port), server.output()
