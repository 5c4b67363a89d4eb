"""Engine plugins: resources and background jobs that live as long as the server.

Plugins subscribe to the engine bus (``cherrypy.engine``) and follow its life cycle: ``start``
when the engine starts, ``stop`` when it stops (SIGTERM, Ctrl-C, autoreload), ``graceful`` on
``engine.graceful()`` (SIGUSR1).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from cherrypy.process.plugins import Monitor, SimplePlugin
from cherrypy.process.wspbus import Bus, states

Item = dict[str, Any]


class ItemStore(SimplePlugin):
    """The items the REST API serves: a thread-safe dict, optionally kept in a JSON file.

    The file is loaded on ``start`` and written on ``stop`` and ``graceful``, so a clean
    shutdown never loses a change.
    """

    def __init__(self, bus: Bus, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(bus)
        self.path = Path(path) if path else None
        self._items: dict[int, Item] = {}
        self._next_id = 1
        self._dirty = False
        self._lock = threading.RLock()

    # -- engine life cycle -------------------------------------------------------------
    def start(self) -> None:
        if self.path and self.path.is_file():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            with self._lock:
                self._items = {item["id"]: item for item in data["items"]}
                self._next_id = max(self._items, default=0) + 1
            self.bus.log(f"Loaded {len(self._items)} items from {self.path}.")

    # Before the HTTP servers (priority 75) start, so the first request sees the data.
    start.priority = 45  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.save()

    # After the HTTP servers (priority 50) stop, so no request changes data after the save.
    stop.priority = 70  # type: ignore[attr-defined]

    def graceful(self) -> None:
        self.save()

    # -- data --------------------------------------------------------------------------
    def items(self) -> list[Item]:
        with self._lock:
            return [dict(item) for item in self._items.values()]

    def get(self, item_id: int) -> Item | None:
        with self._lock:
            item = self._items.get(item_id)
            return dict(item) if item else None

    def add(self, fields: Item) -> Item:
        with self._lock:
            item = {**fields, "id": self._next_id}
            self._items[item["id"]] = item
            self._next_id += 1
            self._dirty = True
            return dict(item)

    def replace(self, item_id: int, fields: Item) -> Item | None:
        with self._lock:
            if item_id not in self._items:
                return None
            self._items[item_id] = {**fields, "id": item_id}
            self._dirty = True
            return dict(self._items[item_id])

    def delete(self, item_id: int) -> bool:
        with self._lock:
            if self._items.pop(item_id, None) is None:
                return False
            self._dirty = True
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    # -- persistence -------------------------------------------------------------------
    def save(self) -> bool:
        """Write the items if they changed; return whether a file was written."""
        if self.path is None:
            return False
        with self._lock:
            if not self._dirty:
                return False
            data = json.dumps({"items": list(self._items.values())}, indent=2)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a crash mid-write never leaves a truncated file.
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(temporary, self.path)
            self._dirty = False
        self.bus.log(f"Saved {len(self)} items to {self.path}.")
        return True


class Autosave(Monitor):
    """Periodic background job: save the store every ``frequency`` seconds.

    ``Monitor`` runs the callback in a daemon thread and stops the thread with the engine.
    Its thread gives up on the first exception, so the job logs errors and carries on.
    """

    def __init__(self, bus: Bus, store: ItemStore, frequency: float) -> None:
        super().__init__(bus, self.run, frequency=frequency, name="autosave")
        self.store = store
        self.runs = 0

    def run(self) -> None:
        self.runs += 1
        try:
            self.store.save()
        except OSError as error:
            self.bus.log(f"Autosave failed: {error}", level=logging.ERROR)


class ExitOnSignal:
    """The engine's SIGTERM and SIGINT handler: ``engine.exit()``, but never mid-start.

    ``Bus.exit()`` while the bus is still STARTING ends the process with status 70, and a
    client can already be served then (for instance just after an autoreload re-exec). A
    signal in that window is kept until ``engine.start()`` returns.
    """

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.deferred = False

    def __call__(self) -> None:
        if self.bus.state == states.STARTING:
            self.deferred = True
        else:
            self.bus.exit()

    def started(self) -> None:
        if self.deferred:
            self.bus.exit()
