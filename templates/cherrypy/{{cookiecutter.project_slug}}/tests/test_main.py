"""The console script: config errors, a full run stopped by SIGTERM, Ctrl-C in development.

``start_server`` comes from the project's root conftest.py.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from live_server import find_free_port

from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.__main__ import main

from .support import TEST_SECRET

STOP_DEADLINE = 5.0


def get(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if data else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.read()


def wait_until_up(url: str, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return get(url)[0] == 200
        except OSError:
            time.sleep(0.1)
    return False


@pytest.mark.usefixtures("isolated_cherrypy")
def test_production_without_secret_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.env_var("ENV"), "production")
    with pytest.raises(SystemExit) as raised:
        main()
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert settings.env_var("SECRET_KEY") in lines[0]


@pytest.mark.usefixtures("isolated_cherrypy")
def test_production_run_serves_and_stops_cleanly_on_sigterm(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """main() in this process: real listeners, then SIGTERM through the engine's handler."""
    port, admin_port = find_free_port(), find_free_port()
    store_file = tmp_path / "items.json"
    for name, value in {
        "ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "PORT": str(port),
        "ADMIN_PORT": str(admin_port),
        "STORE_FILE": str(store_file),
        "LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(settings.env_var(name), value)
    seen: dict[str, object] = {}

    def client() -> None:
        try:
            urls = (f"http://127.0.0.1:{port}/health", f"http://127.0.0.1:{admin_port}/")
            if all(wait_until_up(url) for url in urls):
                body = json.dumps({"title": "kept"}).encode()
                seen["created"] = get(f"http://127.0.0.1:{port}/api/items", body)[0]
                seen["admin"] = json.loads(get(f"http://127.0.0.1:{admin_port}/")[1])["status"]
        finally:
            seen["stopping"] = time.monotonic()
            os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    main()  # returns when the engine has exited
    assert time.monotonic() - seen["stopping"] < STOP_DEADLINE  # type: ignore[operator]
    thread.join(timeout=5)
    assert seen["created"] == 201
    assert seen["admin"] == "ok"
    # The store plugin saved on the way out.
    assert json.loads(store_file.read_text("utf-8"))["items"][0]["title"] == "kept"


def test_ctrl_c_stops_development_even_after_an_autoreload(
    start_server: Callable[..., Any], tmp_path: Path
) -> None:
    """The autoreloader re-executes the process; Ctrl-C (SIGINT to the group) still exits 0."""
    deploy_conf = tmp_path / "deploy.conf"
    deploy_conf.write_text("[global]\nadmin.socket_port = 0\n", "utf-8")
    server = start_server(ENV="development", CONFIG=str(deploy_conf), SECRET_KEY=TEST_SECRET)
    time.sleep(1.2)  # let the autoreloader record the file's first mtime
    deploy_conf.write_text("[global]\nadmin.socket_port = 0\n# changed\n", "utf-8")
    deadline = time.monotonic() + 10
    while "Re-spawning" not in server.output() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Re-spawning" in server.output(), server.output()
    server.wait_until_healthy()
    started = time.monotonic()
    code = server.stop(signal.SIGINT, group=True)
    assert code == 0, server.output()
    assert time.monotonic() - started < STOP_DEADLINE
