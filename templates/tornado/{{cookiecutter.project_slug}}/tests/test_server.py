"""Serving and stopping: graceful shutdown, signals, worker processes, the console script."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tornado.process
from tornado.httpclient import AsyncHTTPClient
from tornado.iostream import IOStream
from tornado.tcpclient import TCPClient
from tornado.testing import AsyncTestCase, bind_unused_port, gen_test
from tornado.websocket import websocket_connect

from {{ cookiecutter.package_name }} import __main__ as console
from {{ cookiecutter.package_name }}.app import make_app
from {{ cookiecutter.package_name }}.handlers.base import BaseHandler
from {{ cookiecutter.package_name }}.server import (
    bind,
    raise_open_file_limit,
    run,
    run_workers,
    serve,
)
from {{ cookiecutter.package_name }}.settings import ConfigError, env_var

from .support import TEST_SECRET, app_options, wait_until

PROJECT_DIR = Path(__file__).resolve().parents[1]


async def health(port: int) -> Any:
    """GET /health once: the socket is already listening, so the request waits to be served."""
    reply = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/health", request_timeout=10)
    return json.loads(reply.body)


class SlowHandler(BaseHandler):
    """Answers once the test releases it: a request in flight for as long as the test needs."""

    def initialize(self, release: asyncio.Event) -> None:
        self.release = release

    async def get(self) -> None:
        await self.release.wait()
        self.finish("done")


async def raw_get(stream: IOStream, path: str) -> tuple[int, bytes]:
    """GET on a kept-alive connection: status and body."""
    await stream.write(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
    head = await stream.read_until(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    return int(head.split()[1]), await stream.read_bytes(length)


@pytest.mark.usefixtures("database_url")
class GracefulShutdownTest(AsyncTestCase):
    @gen_test(timeout=10)
    async def test_stop_drains_requests_long_polls_and_websockets(self) -> None:
        sock, port = bind_unused_port()
        app = make_app(app_options(poll_timeout=30.0))
        release = asyncio.Event()
        app.add_handlers(".*", [(r"/slow", SlowHandler, {"release": release})])
        await app.feed.start()
        stop = asyncio.Event()
        serving = asyncio.ensure_future(serve(app, [sock], stop))
        base = f"127.0.0.1:{port}"

        websocket = await websocket_connect(f"ws://{base}/api/messages/socket")
        client = AsyncHTTPClient()
        poll = client.fetch(f"http://{base}/api/messages/updates", request_timeout=10)
        slow = client.fetch(f"http://{base}/slow", request_timeout=10)
        kept_alive = await TCPClient().connect("127.0.0.1", port)
        assert (await raw_get(kept_alive, "/health"))[0] == 200
        await wait_until(lambda: app.feed.waiting == 1 and app.feed.subscribed == 1)
        await wait_until(lambda: len(app.settings["in_flight"]) == 2)  # the poll, /slow

        stop.set()
        await wait_until(lambda: app.settings["draining"].is_set())
        assert await raw_get(kept_alive, "/health") == (503, b'{"status": "stopping"}')
        release.set()  # only now, while the server drains
        assert (await slow).body == b"done"  # finished, not cut off
        assert json.loads((await poll).body) == {"messages": [], "cursor": 0}
        assert await websocket.read_message() is None
        assert websocket.close_code == 1001
        await asyncio.wait_for(serving, timeout=4)
        await app.feed.stop()

    @gen_test
    async def test_sigterm_stops_run(self) -> None:
        sock, port = bind_unused_port()
        running = asyncio.ensure_future(run(app_options(), [sock]))
        assert await health(port) == {"status": "ok"}
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, timeout=4)

    @gen_test
    async def test_closed_parent_pipe_stops_a_worker(self) -> None:
        sock, port = bind_unused_port()
        read_end, write_end = os.pipe()
        running = asyncio.ensure_future(run(app_options(), [sock], parent_pipe=read_end))
        assert await health(port) == {"status": "ok"}
        os.close(write_end)
        await asyncio.wait_for(running, timeout=4)
        os.close(read_end)


def test_bind_reports_a_busy_port_in_one_line() -> None:
    busy, port = bind_unused_port()
    with busy, pytest.raises(ConfigError, match=env_var("PORT")):
        bind("127.0.0.1", port)


def test_open_file_limit_is_raised_to_the_hard_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    expected = soft if hard == resource.RLIM_INFINITY else hard
    assert raise_open_file_limit() == expected
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == expected


@pytest.mark.usefixtures("database_url")
def test_main_serves_until_sigterm(monkeypatch: pytest.MonkeyPatch, free_port: int) -> None:
    monkeypatch.setenv(env_var("ENV"), "production")
    monkeypatch.setenv(env_var("SECRET_KEY"), TEST_SECRET)
    monkeypatch.setenv(env_var("PORT"), str(free_port))
    bound = threading.Event()

    def bind_and_tell(host: str, port: int) -> Any:
        sockets = bind(host, port)
        bound.set()
        return sockets

    monkeypatch.setattr(console, "bind", bind_and_tell)
    replies: list[Any] = []

    def stop_once_served() -> None:
        if not bound.wait(timeout=10):
            return  # main() failed before listening: nothing to stop
        try:
            url = f"http://127.0.0.1:{free_port}/health"
            with urllib.request.urlopen(url, timeout=10) as reply:  # waits in the backlog
                replies.append(json.load(reply))
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_once_served)
    stopper.start()
    console.main(["prog"])  # returns once SIGTERM has stopped the server
    stopper.join(timeout=5)
    assert replies == [{"status": "ok"}]


def test_run_workers_stops_every_worker_on_sigterm() -> None:
    # A signal sent to this process may be handled by any of its threads, and a blocked os.wait()
    # in the main thread would not see it: fork only once earlier tests' helper threads are gone.
    deadline = time.monotonic() + 5
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    if threading.active_count() > 1:
        pytest.skip("other threads are running")

    def worker(parent_pipe: int) -> None:
        # A forked copy of this test process: it must never return into pytest.
        try:
            if tornado.process.task_id() == 0:
                os.kill(os.getppid(), signal.SIGTERM)
            os.read(parent_pipe, 1)  # returns b"" once the parent closes its end
        finally:
            os._exit(0)

    def give_up(*_: object) -> None:
        raise TimeoutError("the workers did not stop")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, 10)  # bounds the test even if stopping breaks
    started = time.monotonic()
    try:
        with pytest.raises(SystemExit) as stopped:  # how fork_processes ends the parent
            run_workers(2, worker)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert stopped.value.code == 0
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):  # every worker has been reaped
        os.waitpid(-1, os.WNOHANG)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_console_script_logs_every_request_with_access_log_on(
    start_server: Callable[..., Any], database_url: str
) -> None:
    """Production with ACCESS_LOG=true; its default (failed requests only) is checked on the
    two-worker server of test_workers.py, which serves /health too."""
    server = start_server(
        ENV="production", SECRET_KEY=TEST_SECRET, DATABASE_URL=database_url, ACCESS_LOG="true"
    )
    assert server.get("/no/such/page").status == 404
    assert server.stop(signal.SIGTERM) == 0, server.output()
    assert "404 GET /no/such/page" in server.output()
    assert "200 GET /health" in server.output()
