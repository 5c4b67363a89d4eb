"""The real servers, started as separate processes on free ports on 127.0.0.1.

``start_server`` comes from the project's root conftest.py.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import re
import shutil
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from {{ cookiecutter.package_name }} import app as app_module
from {{ cookiecutter.package_name }} import database, security, server

SECRET = "live-test-secret-of-24-characters"
ONE_MIB = 1024 * 1024
# The development reloader looks for changes 10 times a second, not twice: each restart and
# each stop waits for up to 3 of its intervals (Bottle's own loops sleep between looks).
RELOAD_INTERVAL = "0.1"


@pytest.fixture
def start(start_server: Callable[..., Any]) -> Callable[..., Any]:
    """``start_server`` without Bottle's reloader variables, nor pytest-cov's, from this run."""
    return functools.partial(start_server, drop_env=("BOTTLE_", "COV_CORE_"))


@pytest.fixture
def production(tmp_path: Path) -> dict[str, str]:
    """Production settings on a migrated database of the test's own."""
    path = tmp_path / "data" / "production.sqlite3"
    database.migrate(path)
    return {"ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{path}"}


def raw_status(port: int, head: str, body: bytes = b"") -> tuple[int, http.client.HTTPMessage]:
    """The status of a request the server may refuse before reading it all.

    The server answers and closes while the client may still be sending, which http.client
    reports as a broken pipe: send it all, ignoring that, then read the answer.
    """
    request = f"{head}\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request + body)
        reply = http.client.HTTPResponse(sock)
        reply.begin()
        return reply.status, reply.headers


def test_waitress_uploads_refuses_oversized_requests_and_stops_on_sigterm(
    start: Callable[..., Any], production: dict[str, str], multipart: Callable[..., Any]
) -> None:
    live = start(**production)
    page = live.get("/uploads")
    assert page.status == 200
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    set_cookie = page.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    cookie = set_cookie.split(";")[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()
    fields = {"csrf_token": token, "note": "x"}

    # Exactly the advertised size, with the CSRF field and another one.
    body, content_type = multipart(fields, "../отчёт.csv", b"a" * ONE_MIB)
    headers = {"Cookie": cookie, "Content-Type": content_type}
    posted = live.request("POST", "/uploads", body, headers)
    assert posted.status == 303, posted.body
    assert posted.headers["Location"] == "/uploads?added=%D0%BE%D1%82%D1%87%D1%91%D1%82.csv"
    download = live.get("/uploads/%D0%BE%D1%82%D1%87%D1%91%D1%82.csv")
    assert download.status == 200 and download.body == b"a" * ONE_MIB
    assert download.headers["Content-Type"] == "text/csv; charset=UTF-8"

    # One byte over: the app's own page, with its headers.
    body, content_type = multipart(fields, "big.txt", b"x" * (ONE_MIB + 1))
    refused = live.request("POST", "/uploads", body, {**headers, "Content-Type": content_type})
    assert refused.status == 413 and b"Files may be at most 1048576 bytes." in refused.body
    assert refused.headers["X-Frame-Options"] == "DENY"

    # Far over: waitress refuses it before buffering it, and so do oversized headers.
    ceiling = server.SERVER_BODY_FACTOR * (ONE_MIB + security.MULTIPART_OVERHEAD_BYTES)
    status, _ = raw_status(live.port, "POST /uploads HTTP/1.1", b"x" * (ceiling + 1))
    assert status == 413
    assert raw_status(live.port, "GET /health HTTP/1.1\r\nX-Padding: " + "a" * 100_000)[0] == 431

    missing = live.get("/no/such/page")
    assert missing.status == 404 and b"Traceback" not in missing.body
    assert live.stop(signal.SIGTERM) == 0, live.output()
    output = live.output()
    assert "WaitressServer" in output and "Traceback" not in output


def test_production_refuses_to_start_with_pending_migrations(
    start: Callable[..., Any], tmp_path: Path
) -> None:
    live = start(
        wait=False, ENV="production", SECRET_KEY=SECRET, DATABASE_URL=f"sqlite:///{tmp_path}/x.db"
    )
    assert live.wait(timeout=20) == 2
    [line] = live.output().splitlines()
    assert line.startswith("error: ") and "migrate` first" in line


@pytest.fixture
def gunicorn(production: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return production | {"SERVER": "gunicorn", "UPLOAD_DIR": str(tmp_path / "files")}


def test_two_workers_and_a_restart_share_the_uploads(
    start: Callable[..., Any], gunicorn: dict[str, str]
) -> None:
    live = start(**gunicorn, WORKERS="2")
    wait_for(lambda: live.output().count("Booting worker") == 2)
    created = live.request(
        "PUT", "/api/uploads/probe.txt", b"hello", {"Content-Type": "text/plain"}
    )
    assert created.status == 201, created.body
    location = created.headers["Location"]
    assert location == "/uploads/probe.txt"
    for _ in range(12):  # each on a new connection, so both workers answer some
        reply = live.get(location)
        assert (reply.status, reply.body) == (200, b"hello")
    assert live.stop(signal.SIGTERM) == 0, live.output()

    again = start(**gunicorn, WORKERS="2")
    assert again.get(location).body == b"hello"


@contextlib.contextmanager
def half_request(port: int) -> Iterator[None]:
    """A client that sends one byte of a request every half second, for as long as it lasts.

    The requests of the block queue behind it: a worker that waits on it stalls them."""
    connected, stop = threading.Event(), threading.Event()

    def dribble() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            for byte in b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n":
                sock.send(bytes([byte]))
                connected.set()
                if stop.wait(0.5):
                    return

    slow = threading.Thread(target=dribble, daemon=True)
    slow.start()
    try:
        assert connected.wait(timeout=10), "the slow client could not connect"
        yield
    finally:
        stop.set()
        slow.join(timeout=5)


def test_a_slow_client_does_not_stall_a_gunicorn_worker(
    start: Callable[..., Any], gunicorn: dict[str, str]
) -> None:
    """One worker, default threads: gunicorn's default sync worker made every request wait."""
    live = start(**gunicorn, WORKERS="1")
    with half_request(live.port):
        for _ in range(5):
            started = time.monotonic()
            assert live.get("/health").status == 200
            assert time.monotonic() - started < 1
    assert live.stop(signal.SIGTERM) == 0, live.output()


@pytest.mark.parametrize("sigint_ignored", [False, True])
def test_development_reloader_stops_on_ctrl_c(
    start: Callable[..., Any], sigint_ignored: bool, tmp_path: Path
) -> None:
    live = start(
        ENV="development",
        sigint_ignored=sigint_ignored,
        DATABASE_URL=f"sqlite:///{tmp_path}/d.db",
        RELOAD_INTERVAL=RELOAD_INTERVAL,
    )
    assert live.get("/").status == 200
    assert live.stop(signal.SIGINT, group=True) == 0, live.output()
    # Only the reloader's child served: the parent never built a server of its own.
    assert live.output().count("server starting up") == 1
    # The child got Ctrl-C too, and does not outlive its parent for long.
    assert live.port_closed(), live.output()


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_the_development_server_survives_a_syntax_error(
    start: Callable[..., Any], tmp_path: Path
) -> None:
    """A copy of the package, run from its parent folder, so the test can break and fix it."""
    copy = tmp_path / "src" / app_module.__package__
    shutil.copytree(app_module.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    live = start(
        ENV="development",
        cwd=copy.parent,
        DATABASE_URL=f"sqlite:///{tmp_path}/d.db",
        RELOAD_INTERVAL=RELOAD_INTERVAL,
    )
    source = (copy / "app.py").read_text()
    (copy / "app.py").write_text(source + "\ndef broken(:\n")
    wait_for(lambda: "it starts again when a file" in live.output())
    assert live.port_closed() and live.process.poll() is None, live.output()

    (copy / "app.py").write_text(source)
    live.wait_until_healthy()
    assert live.get("/").status == 200
    assert live.stop(signal.SIGINT, group=True) == 0, live.output()
