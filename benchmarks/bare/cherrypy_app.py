"""Bare CherryPy: one /health handler, served by cheroot through the CherryPy engine.

Server settings as the starter's ``config/common.conf``: a listen backlog of 1024 (cheroot's
default of 5 drops connections under 32 concurrent clients) and 10 worker threads.
"""

from __future__ import annotations

import argparse

import cherrypy


class Root:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def health(self) -> dict[str, str]:
        return {"status": "ok"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    cherrypy.config.update(
        {
            "environment": "production",
            "server.socket_host": "127.0.0.1",
            "server.socket_port": args.port,
            "server.socket_queue_size": 1024,
            "server.thread_pool": 10,
        }
    )
    cherrypy.tree.mount(Root(), "")
    # The engine's default handlers: SIGTERM exits, like the starter.
    cherrypy.engine.signals.subscribe()
    cherrypy.engine.start()
    cherrypy.engine.block()


if __name__ == "__main__":
    main()
