"""Bare CubicWeb: CubicWeb's Pyramid integration (``cubicweb.pyramid``) plus one /health view.

It opens an existing instance (the baked project's, created by its first production start)
and adds nothing else: no extra ``cubicweb.includes`` (auth, session, RDF API), and /health
returns a constant without querying the repository. Served by waitress with the starter's
thread count.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
from pathlib import Path
from types import FrameType

import waitress
from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.router import Router


def health(request: Request) -> dict[str, str]:
    return {"status": "ok"}


def make_app(instance: str, port: int) -> Router:
    from cubicweb.cwconfig import CubicWebConfiguration

    cwconfig = CubicWebConfiguration.config_for(instance, debugmode=False)
    cwconfig.global_set_option("base-url", f"http://127.0.0.1:{port}/")
    config = Configurator(
        settings={"cubicweb.instance": instance, "cubicweb.session.secret": secrets.token_hex()}
    )
    config.registry["cubicweb.config"] = cwconfig
    config.include("cubicweb.pyramid")
    config.add_route("health", "/health")
    config.add_view(health, route_name="health", request_method="GET", renderer="json")
    return config.make_wsgi_app()


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--instance-dir", type=Path, required=True)
    parser.add_argument("--instance", required=True)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    for name in ("CW_INSTANCES_DIR", "CW_INSTANCES_DATA_DIR", "CW_RUNTIME_DIR"):
        os.environ[name] = str(args.instance_dir)
    app = make_app(args.instance, args.port)
    server = waitress.create_server(app, host="127.0.0.1", port=args.port, threads=args.threads)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    finally:
        server.close()
        app.registry["cubicweb.repository"].shutdown()


if __name__ == "__main__":
    main()
