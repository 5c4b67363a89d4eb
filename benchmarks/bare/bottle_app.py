"""Bare Bottle: /health, and one upload served by name (its row read with sqlite3 on a
connection per request, then the file), served by bottle.run() with the waitress adapter."""

from __future__ import annotations

import argparse
import signal
import sqlite3
from contextlib import closing

import bottle
from data import database_url, sqlite_path

app = bottle.Bottle()
DATABASE = sqlite_path(database_url())
# The starter keeps the files beside the database: <name>-uploads/.
UPLOAD_DIR = DATABASE.with_name(DATABASE.stem + "-uploads")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/uploads/<name>")
def download(name: str) -> bottle.HTTPResponse:
    with closing(sqlite3.connect(DATABASE)) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM upload WHERE name = ?", (name,)).fetchone()
    if row is None:
        bottle.abort(404)
    return bottle.static_file(
        row["stored_name"],
        root=str(UPLOAD_DIR),
        mimetype=row["content_type"],
        headers={"Content-Disposition": f'attachment; filename="{row["name"]}"'},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # As in the starter: SIGTERM raises KeyboardInterrupt, on which the adapter stops.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    bottle.run(app, server="waitress", host="127.0.0.1", port=args.port, quiet=True)


if __name__ == "__main__":
    main()
