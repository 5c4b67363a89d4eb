"""The engine plugins on a private bus: start, stop, graceful, the periodic job and SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cherrypy.process import plugins, wspbus

from {{ cookiecutter.package_name }}.plugins import Autosave, ExitOnSignal, ItemStore


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def bus() -> Iterator[wspbus.Bus]:
    bus = wspbus.Bus()
    yield bus
    if bus.state != wspbus.states.EXITING:
        bus.exit()


def saved_titles(path: Path) -> list[str]:
    return [item["title"] for item in json.loads(path.read_text("utf-8"))["items"]]


def test_store_saves_on_stop_and_loads_on_start(bus: wspbus.Bus, tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    store = ItemStore(bus, path)
    store.subscribe()
    bus.start()
    first = store.add({"title": "a", "done": False})
    bus.stop()
    assert saved_titles(path) == ["a"]

    again = ItemStore(bus, path)
    store.unsubscribe()
    again.subscribe()
    bus.start()
    assert again.get(first["id"]) == first
    assert again.add({"title": "b", "done": False})["id"] == first["id"] + 1


def test_store_saves_on_graceful_and_only_when_changed(bus: wspbus.Bus, tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    store = ItemStore(bus, path)
    store.subscribe()
    bus.start()
    assert store.save() is False  # nothing changed
    item = store.add({"title": "a", "done": False})
    bus.graceful()
    assert saved_titles(path) == ["a"]
    assert store.replace(item["id"], {"title": "b", "done": True})["title"] == "b"
    assert store.replace(999, {"title": "x", "done": False}) is None
    assert store.delete(item["id"]) is True
    assert store.delete(item["id"]) is False
    assert store.save() is True
    assert saved_titles(path) == []


def test_store_without_file_is_memory_only(bus: wspbus.Bus) -> None:
    store = ItemStore(bus)
    store.add({"title": "a", "done": False})
    assert store.save() is False
    assert len(store) == 1


def test_autosave_job_runs_periodically_and_stops_with_the_bus(
    bus: wspbus.Bus, tmp_path: Path
) -> None:
    path = tmp_path / "items.json"
    store = ItemStore(bus, path)
    job = Autosave(bus, store, frequency=0.05)
    job.subscribe()
    bus.start()
    store.add({"title": "a", "done": False})
    assert wait_for(path.exists), "autosave never wrote the file"
    assert wait_for(lambda: job.runs >= 2)
    bus.graceful()  # Monitor.graceful restarts the thread
    assert job.thread is not None and job.thread.is_alive()
    bus.stop()
    assert job.thread is None


def test_autosave_survives_a_failing_save(bus: wspbus.Bus, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    store = ItemStore(bus, blocker / "items.json")  # its parent is a file: saving fails
    job = Autosave(bus, store, frequency=0.05)
    job.subscribe()
    bus.start()
    store.add({"title": "a", "done": False})
    assert wait_for(lambda: job.runs >= 3), "the job died on the first error"
    assert job.thread.is_alive()


def test_sigterm_stops_the_plugins(bus: wspbus.Bus, tmp_path: Path) -> None:
    """The engine's SignalHandler turns SIGTERM into bus.exit(): the store saves on the way out."""
    path = tmp_path / "items.json"
    store = ItemStore(bus, path)
    store.subscribe()
    job = Autosave(bus, store, frequency=60)
    job.subscribe()
    handler = plugins.SignalHandler(bus)
    handler.subscribe()
    try:
        bus.start()
        store.add({"title": "saved on SIGTERM", "done": False})
        os.kill(os.getpid(), signal.SIGTERM)
        assert wait_for(lambda: bus.state == wspbus.states.EXITING)
    finally:
        handler.unsubscribe()
    assert saved_titles(path) == ["saved on SIGTERM"]
    assert job.thread is None


def test_exit_on_signal_waits_for_the_end_of_start(bus: wspbus.Bus) -> None:
    """Bus.exit() during start() would end the process with status 70."""
    exit_on_signal = ExitOnSignal(bus)
    bus.state = wspbus.states.STARTING
    exit_on_signal()
    assert bus.state == wspbus.states.STARTING
    bus.state = wspbus.states.STARTED
    exit_on_signal.started()
    assert bus.state == wspbus.states.EXITING


def test_exit_on_signal_exits_a_started_bus(bus: wspbus.Bus) -> None:
    exit_on_signal = ExitOnSignal(bus)
    bus.start()
    exit_on_signal()
    assert bus.state == wspbus.states.EXITING
    exit_on_signal.started()  # nothing was deferred
    assert bus.state == wspbus.states.EXITING
