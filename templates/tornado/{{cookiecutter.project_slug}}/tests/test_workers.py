"""Two worker processes and a real Redis: a post made through one worker reaches the long polls
and WebSockets held by the other, each message exactly once and in order, and SIGTERM to the
parent stops them all; Redis down at start is one line."""

from __future__ import annotations

import asyncio
import http.client
import json
import signal
import time
from collections.abc import Callable
from pathlib import Path
from socket import socket as Socket
from typing import Any

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from {{ cookiecutter.package_name }} import __main__ as console
from {{ cookiecutter.package_name }}.server import bind
from {{ cookiecutter.package_name }}.settings import env_var

from .support import TEST_SECRET

PROJECT_DIR = Path(__file__).resolve().parents[1]
# A worker still starting (imports, Redis) accepts nothing, and the kernel hands every new
# connection to the one that is up: keep trying, with a pause, until both answered.
ATTEMPTS = 300
PAUSE_SECONDS = 0.05


def connect_to_each_worker(port: int) -> dict[str, http.client.HTTPConnection]:
    """Kept-alive connections, one per worker (the X-Worker header says which)."""
    found: dict[str, http.client.HTTPConnection] = {}
    for _ in range(ATTEMPTS):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        connection.request("GET", "/health")
        response = connection.getresponse()
        response.read()
        worker = response.headers["X-Worker"]
        if worker in found:
            connection.close()
            time.sleep(PAUSE_SECONDS)
        else:
            found[worker] = connection
        if len(found) == 2:
            return found
    raise AssertionError(f"only reached workers {sorted(found)}")


async def sockets_on_each_worker(port: int) -> dict[str, WebSocketClientConnection]:
    found: dict[str, WebSocketClientConnection] = {}
    for _ in range(ATTEMPTS):
        url = f"ws://127.0.0.1:{port}/api/messages/socket?cursor=0"
        socket = await websocket_connect(HTTPRequest(url))
        worker = socket.headers["X-Worker"]
        if worker in found:
            socket.close()
            await asyncio.sleep(PAUSE_SECONDS)
        else:
            found[worker] = socket
        if len(found) == 2:
            return found
    raise AssertionError(f"only reached workers {sorted(found)}")


def post(connection: http.client.HTTPConnection, text: str) -> int:
    body = json.dumps({"text": text})
    connection.request("POST", "/api/messages", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 201
    return json.loads(response.read())["message"]["id"]


async def read_texts(socket: WebSocketClientConnection, count: int) -> list[str]:
    return [
        json.loads(await asyncio.wait_for(socket.read_message(), 10))["message"]["text"]  # type: ignore[arg-type]
        for _ in range(count)
    ]


@pytest.fixture
def workers(start_server: Callable[..., Any], database_url: str, redis_url: str) -> Any:
    return start_server(
        cwd=PROJECT_DIR,
        ENV="production",
        SECRET_KEY=TEST_SECRET,
        WORKERS="2",
        REDIS_URL=redis_url,
        DATABASE_URL=database_url,
        POLL_TIMEOUT="20",
    )


def worker_pids(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def exited(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return not stat.parent.exists() or "Z" in stat.read_text()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads workers from /proc")
def test_posts_reach_clients_on_the_other_worker_and_sigterm_stops_all(workers: Any) -> None:
    """One server start for both: the console script with WORKERS=2 and Redis."""
    forked = worker_pids(workers.process.pid)
    assert len(forked) == 2
    pollers = connect_to_each_worker(workers.port)
    posters = connect_to_each_worker(workers.port)
    for connection in pollers.values():
        connection.request("GET", "/api/messages/updates?cursor=0")

    async def scenario() -> dict[str, list[str]]:
        sockets = await sockets_on_each_worker(workers.port)
        # Alternate the worker that receives each post: every client still sees 1..6 in order.
        for number in range(6):
            await asyncio.to_thread(post, posters[str(number % 2)], f"m{number}")
        received = {worker: await read_texts(socket, 6) for worker, socket in sockets.items()}
        for socket in sockets.values():
            socket.close()
        return received

    received = asyncio.run(scenario())
    expected = [f"m{number}" for number in range(6)]
    assert received == {"0": expected, "1": expected}
    for worker, connection in pollers.items():
        response = connection.getresponse()
        assert response.headers["X-Worker"] == worker
        texts = [message["text"] for message in json.loads(response.read())["messages"]]
        assert texts == expected[: len(texts)] and texts  # the first post at least, in order

    # Production's access log has failed requests only (test_server.py has ACCESS_LOG=true).
    assert workers.get("/no/such/page").status == 404

    # SIGTERM to the parent only: every worker stops too, and everything exits 0.
    assert workers.stop(signal.SIGTERM) == 0, workers.output()
    assert all(exited(pid) for pid in forked)
    assert "404 GET /no/such/page" in workers.output()
    assert "200 GET /health" not in workers.output()  # connect_to_each_worker asked it


@pytest.mark.usefixtures("database_url")
def test_unreachable_redis_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], free_port: int
) -> None:
    """Checked before binding workers: one line on stderr, exit status 2."""
    settings = {"ENV": "production", "SECRET_KEY": TEST_SECRET, "WORKERS": "2"}
    settings |= {"REDIS_URL": "redis://127.0.0.1:1/0", "PORT": str(free_port)}
    for name, value in settings.items():
        monkeypatch.setenv(env_var(name), value)
    bound: list[Socket] = []  # closed here: the process that would exit is this one

    def bind_and_keep(host: str, port: int) -> list[Socket]:
        bound.extend(bind(host, port))
        return bound

    monkeypatch.setattr(console, "bind", bind_and_keep)
    with pytest.raises(SystemExit) as caught:
        console.main(["prog"])
    for sock in bound:
        sock.close()
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "REDIS_URL: cannot reach Redis" in captured.err
