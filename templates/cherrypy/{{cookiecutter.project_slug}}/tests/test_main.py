"""The console script: its command line, start-up refusals, signals and the real servers.

``start_server`` and ``free_port`` come from the project's root conftest.py.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from live_server import find_free_port

from {{ cookiecutter.package_name }} import database, settings
from {{ cookiecutter.package_name }}.__main__ import main

from .support import TEST_SECRET

STOP_DEADLINE = 5.0
# The deadline the half-sent-requests test sets (test_configuration checks the default, 4 s),
# and how many clients send half a request there.
SHORT_DEADLINE = 0.5
HALF_SENT = 12
TEXT = "Grüße, 世界 🎉"
Start = Callable[..., Any]


def get(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if data else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.read()


def wait_until_up(url: str, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return get(url)[0] == 200
        except OSError:
            time.sleep(0.1)
    return False


def wait_for_output(server: Any, text: str, timeout: float = 20.0) -> bool:
    """Whether the server printed ``text`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while text not in server.output():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def one_line(server: Any, code: int = 2) -> str:
    """The single line a refused start printed, after checking it exited with ``code``."""
    assert server.wait(60) == code, server.output()
    lines = [line for line in server.output().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def production(database_url: str) -> dict[str, str]:
    """Production settings on the test's migrated database."""
    return {"ENV": "production", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": database_url}


def test_help_and_unknown_arguments_start_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--help"])
    assert raised.value.code == 0
    assert "migrate" in capsys.readouterr().out
    with pytest.raises(SystemExit) as raised:
        main(["serve", "--bogus"])
    assert raised.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


@pytest.mark.usefixtures("isolated_cherrypy")
def test_production_without_secret_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.env_var("ENV"), "production")
    with pytest.raises(SystemExit) as raised:
        main([])
    assert raised.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert settings.env_var("SECRET_KEY") in lines[0]


@pytest.mark.usefixtures("isolated_cherrypy")
def test_production_refuses_pending_migrations_until_migrate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = settings.check_database_url(f"sqlite:///{tmp_path}/new.sqlite3")
    variables = {"ENV": "production", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": url.url}
    for name, value in variables.items():
        monkeypatch.setenv(settings.env_var(name), value)
    with pytest.raises(SystemExit) as raised:
        main(["serve"])
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert "pending migration" in error and settings.MIGRATE_COMMAND in error
    main(["migrate"])  # needs no secret
    assert "is up to date" in capsys.readouterr().out
    assert database.pending_migrations(url) == 0


@pytest.mark.usefixtures("isolated_cherrypy")
def test_an_unreachable_database_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, free_port: int
) -> None:
    url = f"postgresql://app:hunter2@127.0.0.1:{free_port}/app"
    monkeypatch.setenv(settings.env_var("DATABASE_URL"), url)
    with pytest.raises(SystemExit) as raised:
        main(["migrate"])
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert settings.env_var("DATABASE_URL") in error and "cannot reach" in error
    assert "hunter2" not in error


@pytest.mark.usefixtures("isolated_cherrypy")
def test_production_run_serves_and_stops_cleanly_on_sigterm(
    monkeypatch: pytest.MonkeyPatch, production: dict[str, str], free_port: int
) -> None:
    """main() in this process: real listeners, then SIGTERM through the engine's handler."""
    port, admin_port = free_port, find_free_port()
    variables = {"PORT": str(port), "ADMIN_PORT": str(admin_port), "LOG_LEVEL": "WARNING"}
    for name, value in {**production, **variables}.items():
        monkeypatch.setenv(settings.env_var(name), value)
    seen: dict[str, object] = {}

    def client() -> None:
        try:
            urls = (f"http://127.0.0.1:{port}/health", f"http://127.0.0.1:{admin_port}/")
            if all(wait_until_up(url) for url in urls):
                body = json.dumps({"title": "kept"}).encode()
                seen["created"] = get(f"http://127.0.0.1:{port}/api/items", body)[0]
                seen["admin"] = json.loads(get(f"http://127.0.0.1:{admin_port}/")[1])
        finally:
            seen["stopping"] = time.monotonic()
            os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    main([])  # returns when the engine has exited
    assert time.monotonic() - seen["stopping"] < STOP_DEADLINE  # type: ignore[operator]
    thread.join(timeout=5)
    assert seen["created"] == 201
    assert seen["admin"]["status"] == "ok"  # type: ignore[index]
    assert seen["admin"]["items"] == 1  # type: ignore[index]


def test_a_write_is_read_on_new_connections_and_survives_a_restart(
    start_server: Start, production: dict[str, str]
) -> None:
    server = start_server(**production)
    body = json.dumps({"title": TEXT}, ensure_ascii=False).encode()
    created = server.request("POST", "/api/items", body, {"Content-Type": "application/json"})
    assert created.status == 201
    location = created.headers["Location"].removeprefix(f"http://127.0.0.1:{server.port}")
    for _ in range(12):
        assert server.get(location).json()["title"] == TEXT
    assert server.stop(signal.SIGTERM) == 0, server.output()
    restarted = start_server(**production)
    assert restarted.get(location).json()["title"] == TEXT
    assert server.port != restarted.port or restarted.get("/health").status == 200


def test_development_applies_pending_migrations_at_start(
    start_server: Start, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/dev.sqlite3"
    server = start_server(
        ENV="development", SECRET_KEY=TEST_SECRET, DATABASE_URL=url, ADMIN_PORT="0"
    )
    assert server.get("/api/items").json() == {"items": []}
    assert database.pending_migrations(settings.check_database_url(url)) == 0
    assert server.stop(signal.SIGINT, group=True) == 0, server.output()


def test_ports_in_use_are_one_line_naming_the_variable(
    start_server: Start, production: dict[str, str], free_port: int
) -> None:
    """Regression: a taken port (main or admin) was a traceback and exit 70."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port))
        taken.listen()
        # Both at once: each refusal is a start-up of its own.
        server = start_server(wait=False, PORT=str(free_port), **production)
        admin = start_server(wait=False, ADMIN_PORT=str(free_port), **production)
        assert settings.env_var("PORT") in one_line(server)
        line = one_line(admin)
        assert settings.env_var("ADMIN_PORT") in line and "in use" in line


@pytest.mark.usefixtures("isolated_cherrypy")
def test_a_bad_value_in_the_deployers_file_names_the_file(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    production: dict[str, str],
    tmp_path: Path,
) -> None:
    """Regression: it was a traceback blaming the PORT variable, which the user never set.
    (In this process: the file is refused before anything starts.)"""
    conf = tmp_path / "deploy.conf"
    conf.write_text('[global]\nserver.socket_port = "eighty"\n', "utf-8")
    for name, value in {**production, "CONFIG": str(conf)}.items():
        monkeypatch.setenv(settings.env_var(name), value)
    with pytest.raises(SystemExit) as raised:
        main([])
    assert raised.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1, captured
    assert f"server.socket_port in {conf}" in lines[0]
    assert settings.env_var("PORT") not in lines[0]


def test_sigterm_stops_within_the_deadline_despite_half_sent_requests(
    start_server: Start, production: dict[str, str], tmp_path: Path
) -> None:
    """Regression: cheroot waited for each such client (12 of them: 15 s)."""
    conf = tmp_path / "deploy.conf"
    # A worker for each client and one for the probe below, which then shows that every client
    # was accepted and taken up by a worker (both happen in order) before the stop.
    lines = f"app.stop_deadline = {SHORT_DEADLINE}\nserver.thread_pool = {HALF_SENT + 1}\n"
    conf.write_text(f"[global]\n{lines}", "utf-8")
    server = start_server(CONFIG=str(conf), **production)
    clients = []
    for _ in range(HALF_SENT):
        client = socket.create_connection(("127.0.0.1", server.port))
        client.sendall(b"POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        clients.append(client)
    assert server.get("/health").status == 200
    started = time.monotonic()
    try:
        assert server.stop(signal.SIGTERM) == 0, server.output()
    finally:
        for client in clients:
            client.close()
    assert time.monotonic() - started < SHORT_DEADLINE + 1.0


def version_header(version: str) -> str:
    """A deployer's file adding ``X-Version`` to every page."""
    return (
        "[/]\ntools.response_headers.on = True\n"
        f'tools.response_headers.headers = [("X-Version", "{version}")]\n'
    )


def test_sighup_reloads_the_configuration(
    start_server: Start, production: dict[str, str], tmp_path: Path
) -> None:
    """Regression: SIGHUP stopped the server (exit 0) when stdin was not a terminal."""
    conf = tmp_path / "deploy.conf"
    conf.write_text(version_header("1"), "utf-8")
    server = start_server(CONFIG=str(conf), **production)
    assert server.get("/").headers["X-Version"] == "1"

    conf.write_text('[global]\nserver.socket_port = "eighty"\n', "utf-8")
    server.process.send_signal(signal.SIGHUP)
    assert wait_for_output(server, "not reloading"), server.output()
    assert server.process.poll() is None, server.output()  # an invalid file is not loaded

    conf.write_text(version_header("2"), "utf-8")
    pid = server.process.pid
    server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    version = None
    while time.monotonic() < deadline and version != "2":
        time.sleep(0.05)
        try:
            version = server.get("/").headers.get("X-Version")
        except OSError:
            continue
    assert version == "2", server.output()
    assert server.process.pid == pid and server.process.poll() is None
    assert server.stop(signal.SIGTERM) == 0, server.output()


def test_ctrl_c_stops_development_even_after_an_autoreload(
    start_server: Start, tmp_path: Path
) -> None:
    """The autoreloader re-executes the process; Ctrl-C (SIGINT to the group) still exits 0."""
    deploy_conf = tmp_path / "deploy.conf"
    # The autoreloader checks every 0.1 s instead of every second.
    conf = "[global]\nadmin.socket_port = 0\nengine.autoreload.frequency = 0.1\n"
    deploy_conf.write_text(conf, "utf-8")
    url = f"sqlite:///{tmp_path}/dev.sqlite3"
    server = start_server(
        ENV="development", CONFIG=str(deploy_conf), SECRET_KEY=TEST_SECRET, DATABASE_URL=url
    )
    # Change the file until the reloader notices: its first check only records the mtime.
    deadline = time.monotonic() + 20
    for change in itertools.count():
        deploy_conf.write_text(f"{conf}# change {change}\n", "utf-8")
        if wait_for_output(server, "Re-spawning", timeout=0.15):
            break
        assert time.monotonic() < deadline, server.output()
    server.wait_until_healthy()
    started = time.monotonic()
    code = server.stop(signal.SIGINT, group=True)
    assert code == 0, server.output()
    assert time.monotonic() - started < STOP_DEADLINE
