"""The real server, started as a separate process on a free port on 127.0.0.1.

``start_server`` comes from the project's root conftest.py.
"""

from __future__ import annotations

import functools
import re
import signal
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

    big, content_type = multipart({"csrf_token": token}, "big.txt", b"x" * 1_100_000)
    refused = server.request(
        "POST", "/uploads", big, {"Cookie": cookie, "Content-Type": content_type}
    )
    assert refused.status == 413

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
