"""An in-memory note store, the resource behind the JSON API.

It lives in ``app.extensions`` so every app (and every test) gets its own. Each gunicorn worker
process holds its own store: swap it for a database before relying on it.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app

EXTENSION_KEY = "notes"


class StoreFull(Exception):
    """The store holds as many notes as it may."""


@dataclass(frozen=True)
class Note:
    id: int
    text: str
    tags: list[str] = field(default_factory=list)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class NoteStore:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._notes: dict[int, Note] = {}
        self._ids = itertools.count(1)
        # Threaded servers (the development server, gthread workers) share one store.
        self._lock = threading.Lock()

    def add(self, text: str, tags: list[str]) -> Note:
        with self._lock:
            if len(self._notes) >= self.limit:
                raise StoreFull(f"the store holds its limit of {self.limit} notes")
            note = Note(id=next(self._ids), text=text, tags=tags)
            self._notes[note.id] = note
            return note

    def get(self, note_id: int) -> Note | None:
        return self._notes.get(note_id)

    def delete(self, note_id: int) -> bool:
        with self._lock:
            return self._notes.pop(note_id, None) is not None

    def all(self) -> list[Note]:
        with self._lock:
            return list(self._notes.values())


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = NoteStore(limit=app.config["NOTES_LIMIT"])


def store() -> NoteStore:
    """The current app's store."""
    return current_app.extensions[EXTENSION_KEY]
