"""The real server, started as a separate process on a free port on 127.0.0.1.

``start_server`` comes from the project's root conftest.py.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import re
import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def start(start_server: Callable[..., Any]) -> Callable[..., Any]:
    """``start_server`` without Bottle's reloader variables, nor pytest-cov's, from this run."""
    return functools.partial(start_server, drop_env=("BOTTLE_", "COV_CORE_"))


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


def oversized(port: int, head: str, body: bytes = b"") -> int:
    """The status of a request the server refuses before reading it all.

    The server answers and closes while the client may still be sending, which http.client
    reports as a broken pipe: send it all, ignoring that, then read the answer.
    """
    request = f"{head}\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request + body)
        reply = http.client.HTTPResponse(sock)
        reply.begin()
        return reply.status


def test_production_server_uploads_and_stops_on_sigterm(
    start: Callable[..., Any], tmp_path: Path
) -> None:
    uploads = tmp_path / "uploads"
    server = start(ENV="production", SECRET_KEY="live-test-secret", UPLOAD_DIR=str(uploads))
    page = server.get("/uploads")
    assert page.status == 200
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    set_cookie = page.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    cookie = set_cookie.split(";")[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()

    body, content_type = multipart({"csrf_token": token}, "../../report.csv", b"a,b\n1,2\n")
    posted = server.request(
        "POST", "/uploads", body, {"Cookie": cookie, "Content-Type": content_type}
    )
    assert posted.status == 303, posted.body
    assert (uploads / "report.csv").read_bytes() == b"a,b\n1,2\n"

    download = server.get("/uploads/report.csv")
    assert download.status == 200
    assert download.headers["Content-Type"] == "text/csv; charset=UTF-8"
    assert download.body == b"a,b\n1,2\n"

    # Waitress refuses oversized requests itself, before buffering them for the app.
    big, content_type = multipart({"csrf_token": token}, "big.txt", b"x" * 1_100_000)
    post = f"POST /uploads HTTP/1.1\r\nCookie: {cookie}\r\nContent-Type: {content_type}"
    assert oversized(server.port, post, big) == 413
    assert oversized(server.port, "GET /health HTTP/1.1\r\nX-Padding: " + "a" * 100_000) == 431
    assert oversized(server.port, "GET /" + "a" * 100_000 + " HTTP/1.1") == 431

    missing = server.get("/no/such/page")
    assert missing.status == 404 and b"Traceback" not in missing.body

    assert server.stop(signal.SIGTERM) == 0, server.output()
    output = server.output()
    assert "WaitressServer" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("sigint_ignored", [False, True])
def test_development_reloader_stops_on_ctrl_c(
    start: Callable[..., Any], sigint_ignored: bool
) -> None:
    server = start(ENV="development", sigint_ignored=sigint_ignored)
    assert server.get("/").status == 200
    assert server.stop(signal.SIGINT, group=True) == 0, server.output()
    # Only the reloader's child served: the parent never built a server of its own.
    assert server.output().count("server starting up") == 1
    # The child got Ctrl-C too, and does not outlive its parent for long.
    assert server.port_closed(), server.output()
