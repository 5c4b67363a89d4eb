"""Bare Tornado: one /health handler on one HTTPServer in one process, stopped by SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal

import tornado.web
from tornado.httpserver import HTTPServer


class HealthHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write({"status": "ok"})


async def serve(port: int) -> None:
    server = HTTPServer(tornado.web.Application([("/health", HealthHandler)]))
    server.listen(port, "127.0.0.1")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
