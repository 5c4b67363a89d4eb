"""Bare Bottle: one /health route, served by bottle.run() with the waitress adapter."""

from __future__ import annotations

import argparse
import signal

import bottle

app = bottle.Bottle()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # As in the starter: SIGTERM raises KeyboardInterrupt, on which the adapter stops.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    bottle.run(app, server="waitress", host="127.0.0.1", port=args.port, quiet=True)


if __name__ == "__main__":
    main()
