"""Bare CubicWeb: CubicWeb's Pyramid integration (``cubicweb.pyramid``) plus a /health tween.

It opens an existing instance (the baked project's, created by its first production start)
and adds nothing else: no extra ``cubicweb.includes`` (auth, session, RDF API). /health is
answered at the same layer as in the starter, a tween over all of CubicWeb's (before routing),
with a constant instead of the starter's cached repository check. Served by waitress with the
starter's thread count.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import waitress
from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.router import Router
from pyramid.tweens import INGRESS

Handler = Callable[[Request], Response]


def health_tween_factory(handler: Handler, registry: Registry) -> Handler:
    def health_tween(request: Request) -> Response:
        if request.path_info != "/health" or request.method not in ("GET", "HEAD"):
            return handler(request)
        return Response(json_body={"status": "ok"}, charset="utf-8")

    return health_tween


def make_app(instance: str, port: int) -> Router:
    from cubicweb.cwconfig import CubicWebConfiguration

    cwconfig = CubicWebConfiguration.config_for(instance, debugmode=False)
    cwconfig.global_set_option("base-url", f"http://127.0.0.1:{port}/")
    config = Configurator(
        settings={"cubicweb.instance": instance, "cubicweb.session.secret": secrets.token_hex()}
    )
    config.registry["cubicweb.config"] = cwconfig
    config.include("cubicweb.pyramid")
    config.add_tween(f"{__name__}.health_tween_factory", under=INGRESS)
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
