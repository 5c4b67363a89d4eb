"""SIGTERM while clients are stuck half-way: every production server exits 0 within 5 s.

8 clients have sent half a request head and wait; 4 hold idle keep-alive connections after one
request each; where the starter has a slow route (a long poll), one request to it is in flight
and must be answered, not cut. One server per framework, started for this test only.
"""

from __future__ import annotations

import contextlib
import http.client
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from live_server import HOST, Reply

from tests.harness import ProjectEnv, Server, probes, running_server

HALF_SENT_CLIENTS = 8
IDLE_KEEP_ALIVE_CLIENTS = 4
STOP_WITHIN = 5.0
HALF_HEAD = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"


@contextlib.contextmanager
def stuck_clients(port: int) -> Iterator[None]:
    """Clients that hold connections open: idle keep-alives (after one request each; a server
    without keep-alive closes them), then half-sent heads."""
    sockets: list[socket.socket] = []
    connections: list[http.client.HTTPConnection] = []
    try:
        for _ in range(IDLE_KEEP_ALIVE_CLIENTS):
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
            connections.append(connection)
            connection.request("GET", "/health", headers={"Accept": "application/json"})
            reply = connection.getresponse()
            reply.read()
            assert reply.status == 200, reply.status
        for _ in range(HALF_SENT_CLIENTS):
            sock = socket.create_connection((HOST, port), timeout=10)
            sockets.append(sock)
            sock.sendall(HALF_HEAD)
        yield
    finally:
        for sock in sockets:
            sock.close()
        for connection in connections:
            connection.close()


def in_flight(server: Server, path: str, replies: list[Reply | Exception]) -> threading.Thread:
    def call() -> None:
        try:
            replies.append(server.request("GET", path, headers={"Accept": "application/json"}))
        except (OSError, http.client.HTTPException) as error:
            replies.append(error)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread


def test_sigterm_with_stuck_clients_exits_0_within_5_s_and_answers_the_slow_request(
    project_env: ProjectEnv, production_config: dict[str, str], framework: str, tmp_path: Path
) -> None:
    slow_route = probes(framework).get("slow_route")
    replies: list[Reply | Exception] = []
    with running_server(project_env, tmp_path / "stop.log", **production_config) as server:
        with stuck_clients(server.port):
            slow = in_flight(server, slow_route, replies) if slow_route else None
            time.sleep(1)  # the slow request is being served, the stuck clients are accepted
            started = time.monotonic()
            code = server.stop(signal.SIGTERM, timeout=STOP_WITHIN + 10)
            elapsed = time.monotonic() - started
            if slow is not None:
                slow.join(timeout=10)
        output = server.output()
    print(f"\n{framework}: exit status {code} {elapsed:.2f} s after SIGTERM")
    assert code == 0, f"exit status {code} after {elapsed:.1f} s:\n{output[-2000:]}"
    assert elapsed < STOP_WITHIN, f"took {elapsed:.1f} s to stop:\n{output[-2000:]}"
    if slow_route:
        assert replies and isinstance(replies[0], Reply), f"{slow_route} was cut: {replies}"
        assert replies[0].status == 200, (replies[0].status, replies[0].text[:300])
