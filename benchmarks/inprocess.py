"""Per-request cost of one WSGI app, in process: no server, no sockets, no load generator.

Run with a baked project's interpreter (its package importable), once per side, e.g.::

    VENV/bin/python -m benchmarks.inprocess flask baked /api/notes/1 --requests 2000 --profile 15

It calls the app ``--requests`` times with the same GET, prints CPU µs per request (this
process's CPU time, so background load hardly moves it) and, with ``--profile N``, cProfile's
top N functions by own time, each in µs per request. Settings come from the environment as for
the servers (``benchmarks.servers``); the bare app reads ``BARE_DATABASE_URL``. The WSGI
starters listed in ``BAKED_APPS``; the others are left to the server benchmarks.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from benchmarks.frameworks import BARE_DIR

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def app_factory() -> WSGIApp:
    """The baked app of a starter with a ``create_app`` factory."""
    from cafe_unicode.app import create_app

    return create_app()  # type: ignore[no-any-return]


def cherrypy_site() -> WSGIApp:
    import cherrypy
    from cafe_unicode import configuration, database, site

    config = configuration.load("production")
    database.prepare(config.database_url, "production")
    site.build(config)
    return start_cherrypy_engine(cherrypy)


# The WSGI starters this tool loads, and how (the others are measured through their servers).
BAKED_APPS: dict[str, Callable[[], WSGIApp]] = {
    "flask": app_factory,
    "bottle": app_factory,
    "cherrypy": cherrypy_site,
}


def baked_app(framework: str) -> WSGIApp:
    return BAKED_APPS[framework]()


def bare_app(framework: str) -> WSGIApp:
    sys.path.insert(0, str(BARE_DIR))
    module = __import__(f"{framework}_app")
    if framework != "cherrypy":
        return module.app  # type: ignore[no-any-return]
    import cherrypy

    cherrypy.config.update({"environment": "production"})
    cherrypy.tree.mount(module.Root(), "")
    return start_cherrypy_engine(cherrypy)


def start_cherrypy_engine(cherrypy: Any) -> WSGIApp:
    """The engine's plugins (the database) without its HTTP server."""
    cherrypy.server.unsubscribe()
    cherrypy.log.screen = False
    cherrypy.engine.start()
    return cherrypy.tree  # type: ignore[no-any-return]


def call(app: WSGIApp, path: str) -> int:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SCRIPT_NAME": "",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    statuses: list[str] = []
    body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    for _ in body:
        pass
    close = getattr(body, "close", None)
    if close:
        close()
    return int(statuses[0].split()[0])


def cpu_us_per_request(app: WSGIApp, path: str, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        call(app, path)
    return (time.process_time() - started) * 1e6 / requests


def hook_lists(app: Any) -> dict[str, list[Any]]:
    """The per-request hook lists of a Flask or Bottle app, by a readable name."""
    if hasattr(app, "before_request_funcs"):  # Flask
        kinds = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")
        return {
            f"{kind}[{key}]": funcs for kind in kinds for key, funcs in getattr(app, kind).items()
        }
    return {f"hook {name}": funcs for name, funcs in app._hooks.items()}  # Bottle


def ablate(app: WSGIApp, path: str, requests: int, rounds: int) -> None:
    """Each hook in turn left out, interleaved with the full app: the CPU µs per request that
    hook costs, as the difference of the two minima over ``rounds`` (like timeit: other work
    on the machine only ever adds time)."""
    for kind, funcs in hook_lists(app).items():
        for index, func in enumerate(list(funcs)):
            with_hook, without = [], []
            for _ in range(rounds):
                with_hook.append(cpu_us_per_request(app, path, requests))
                del funcs[index]
                without.append(cpu_us_per_request(app, path, requests))
                funcs.insert(index, func)
            saved = min(with_hook) - min(without)
            print(f"  {saved:6.1f} µs/req  {kind}: {getattr(func, '__qualname__', func)}")


def measure(app: WSGIApp, args: argparse.Namespace) -> None:
    profiler = cProfile.Profile() if args.profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    for _ in range(args.requests):
        call(app, args.path)
    if profiler:
        profiler.disable()
    cpu_us = (time.process_time() - started) * 1e6 / args.requests
    print(f"{args.framework} {args.side} {args.path}: {cpu_us:.1f} µs CPU per request")
    if profiler:
        stats = pstats.Stats(profiler)
        rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[: args.profile]  # type: ignore[attr-defined]
        for (filename, line, name), (_, calls, own, cumulative, _) in rows:
            where = f"{filename.rsplit('site-packages/', 1)[-1]}:{line}({name})"
            per = 1e6 / args.requests
            print(
                f"  own {own * per:7.1f}  cum {cumulative * per:7.1f}  µs/req  {calls / args.requests:5.1f}×  {where}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inprocess")
    parser.add_argument("framework", choices=sorted(BAKED_APPS))
    parser.add_argument("side", choices=("baked", "bare"))
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="top N functions")
    parser.add_argument("--ablate", type=int, default=0, metavar="ROUNDS", help="hook by hook")
    args = parser.parse_args(argv)
    app = (baked_app if args.side == "baked" else bare_app)(args.framework)
    for _ in range(200):  # warm-up: caches, lazy imports, the first database connection
        if (status := call(app, args.path)) != 200:
            raise SystemExit(f"{args.side} {args.path} answered {status}")
    if args.ablate:
        ablate(app, args.path, args.requests, args.ablate)
    else:
        measure(app, args)
    if args.framework == "cherrypy":
        sys.modules["cherrypy"].engine.exit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
