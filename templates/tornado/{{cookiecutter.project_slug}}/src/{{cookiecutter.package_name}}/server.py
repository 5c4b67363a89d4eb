"""Run the HTTP server: one process, or several forked workers, with a graceful stop."""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import signal
import socket
from collections.abc import Callable
from typing import Any

import tornado.process
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.options import OptionParser

from . import settings
from .app import Application, make_app

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Time for open requests to finish on shutdown; below the 5 s a supervisor usually allows.
GRACE_SECONDS = 3.0
DRAIN_POLL_SECONDS = 0.02


def raise_open_file_limit() -> int:
    """Raise the soft limit on open files to the hard limit: each client holds a socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets, bound before any worker is forked so the workers share them."""
    try:
        return bind_sockets(port, host)
    except OSError as error:
        problem = settings.listen_error(host, port, error)
        if problem is None:
            raise
        raise problem from None


def server_options(app: Application) -> dict[str, Any]:
    """HTTPServer arguments. Bodies past the limit are refused (400) before any handler runs,
    except by JsonBodyHandler endpoints, which answer 413 themselves.

    Past ``max_header_size`` the server closes the connection without an answer, so it is set
    well above the application's own limits on the request target and headers (8 KiB each):
    the application then answers 414 or 431 itself, in JSON (see ``Application.find_handler``).
    """
    return {
        "max_body_size": app.settings["max_body_size"],
        "max_header_size": app.settings["max_header_size"],
        "xheaders": app.settings["xheaders"],
        "trusted_downstream": app.settings["trusted_downstream"],
    }


async def drain(app: Application, server: HTTPServer, grace: float) -> None:
    """Stop accepting, answer /health with 503, let the requests in flight finish (long polls
    answer with no messages, WebSockets close with 1001), then close what is left."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    app.settings["draining"].set()
    server.stop()
    app.feed.close()
    in_flight = app.settings["in_flight"]
    while in_flight and loop.time() < deadline:
        await asyncio.sleep(DRAIN_POLL_SECONDS)
    if in_flight:
        log.warning("%d request(s) still open after %.0f s; closing them", len(in_flight), grace)
    try:
        # Idle keep-alive connections; WebSockets are closed by their sender (feed.close()).
        await asyncio.wait_for(server.close_all_connections(), max(deadline - loop.time(), 0.1))
    except TimeoutError:
        log.warning("connections still open after %.0f s; stopping anyway", grace)


async def serve(app: Application, sockets: list[socket.socket], stop: asyncio.Event) -> None:
    """Serve ``app`` on ``sockets`` until ``stop`` is set, then shut down gracefully."""
    server = HTTPServer(app, **server_options(app))
    server.add_sockets(sockets)
    await stop.wait()
    log.info("stopping: draining connections")
    await drain(app, server, GRACE_SECONDS)


async def run(
    options: OptionParser, sockets: list[socket.socket], parent_pipe: int | None = None
) -> None:
    """Serve until SIGINT or SIGTERM, or in a worker until the parent's pipe closes."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    if parent_pipe is not None:

        def parent_gone() -> None:
            loop.remove_reader(parent_pipe)  # end-of-file stays readable: stop watching
            stop.set()

        loop.add_reader(parent_pipe, parent_gone)
    app = make_app(options)
    try:
        await app.feed.start()
        host, port = sockets[0].getsockname()[:2]
        log.info("listening on http://%s:%s (pid %d)", host, port, os.getpid())
        await serve(app, sockets, stop)
    finally:
        await app.feed.stop()
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
        if parent_pipe is not None:
            loop.remove_reader(parent_pipe)


def run_workers(count: int, serve_worker: Callable[[int], None]) -> None:
    """Fork ``count`` workers (0: one per CPU) with ``tornado.process.fork_processes``.

    In each worker, ``serve_worker(pipe)`` runs. The parent stays in fork_processes, which
    restarts crashed workers and calls ``sys.exit(0)`` once every worker has exited cleanly.
    fork_processes does not tell the parent the workers' pids, so stopping goes through a pipe:
    every worker holds its read end, the parent alone its write end. On SIGINT or SIGTERM the
    parent closes the write end (so does its death); every worker sees end-of-file, shuts down
    gracefully and exits 0, and fork_processes returns through ``sys.exit(0)``.
    """
    read_end, write_end = os.pipe()
    write_end_open = True

    def close_write_end(*_: object) -> None:
        nonlocal write_end_open
        if write_end_open:  # once: the descriptor number may be reused afterwards
            write_end_open = False
            os.close(write_end)

    # The handler must not raise: a signal that arrives while os.fork() runs its at-fork
    # callbacks would have the exception swallowed.
    previous = {signum: signal.signal(signum, close_write_end) for signum in STOP_SIGNALS}
    try:
        tornado.process.fork_processes(count)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    # In a worker (the parent leaves fork_processes by SystemExit): the event loop will handle
    # the stop signals itself.
    close_write_end()
    serve_worker(read_end)
    # A forked worker leaves like multiprocessing's do: without the interpreter's teardown,
    # which is the parent's business and took seconds here under load.
    logging.shutdown()
    os._exit(0)
