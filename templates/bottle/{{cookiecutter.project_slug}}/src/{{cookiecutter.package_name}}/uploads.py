"""Uploaded files: kept under generated names in the upload folder, recorded in the database
under the client's name, made safe to show and unique."""

from __future__ import annotations

import logging
import mimetypes
import re
import secrets
import sqlite3
import unicodedata
import urllib.parse
from pathlib import Path
from typing import IO

from bottle import HTTPError, abort, request

from .security import upload_limit_message

log = logging.getLogger(__name__)


def display_name(client_name: str) -> str:
    """The client's file name without folders, control characters or leading dots."""
    name = unicodedata.normalize("NFC", re.split(r"[/\\]", client_name)[-1])
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = name.strip().lstrip(".").strip()
    stem, suffix = Path(name).stem, Path(name).suffix
    return name if len(name) <= 200 else stem[: 200 - len(suffix)] + suffix


def candidate_names(name: str) -> list[str]:
    """``a.txt``, then ``a (2).txt`` ... ``a (100).txt``: the name a duplicate gets."""
    path = Path(name)
    return [name] + [f"{path.stem} ({number}){path.suffix}" for number in range(2, 101)]


def store_upload(db: sqlite3.Connection, client_name: str, file: IO[bytes]) -> sqlite3.Row:
    """Save the file under a generated name and record it under a free display name."""
    config = request.app.config
    name = display_name(client_name)
    extension = Path(name).suffix.lower()
    if not Path(name).stem or extension not in config["app.upload_extensions"]:
        allowed = ", ".join(sorted(config["app.upload_extensions"]))
        abort(415, f"Only these file types are allowed: {allowed}.")
    size = file.seek(0, 2)
    if size > config["app.max_upload_bytes"]:
        abort(413, upload_limit_message(config["app.max_upload_bytes"]))
    file.seek(0)
    folder: Path = config["app.upload_dir"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (secrets.token_hex(16) + extension)
    with path.open("xb") as target:
        while chunk := file.read(64 * 1024):
            target.write(chunk)
    try:
        row = record_upload(db, name, client_name, path.name, size)
    except BaseException:
        path.unlink()
        raise
    log.info("stored upload %d as %s", row["id"], path.name)
    return row


def record_upload(
    db: sqlite3.Connection, name: str, client_name: str, stored_name: str, size: int
) -> sqlite3.Row:
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    for candidate in candidate_names(name):
        try:
            return db.execute(
                "INSERT INTO upload (name, original_name, stored_name, size, content_type)"
                " VALUES (?, ?, ?, ?, ?) RETURNING *",
                (candidate, client_name, stored_name, size, content_type),
            ).fetchone()
        except sqlite3.IntegrityError:  # another upload has that name: try the next one
            continue
    raise HTTPError(409, "Too many files have this name: rename the file and retry.")


def content_disposition(name: str) -> str:
    """An attachment named ``name``: ``filename*`` has it in full (RFC 6266), ``filename`` an
    ASCII version for old clients."""
    suffix = Path(name).suffix
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = fallback.replace('"', "").strip()
    if not fallback.removesuffix(suffix).strip():
        fallback = "download" + suffix
    quoted = urllib.parse.quote(name, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"
