"""Fixtures shared by every test: the real server, started as a subprocess on 127.0.0.1.

Most tests use the framework's own test client. What only the real server shows (the production
server, the reloader, signals, the one-line refusal of a bad setting) is tested through
``start_server``, which runs ``python -m {{ cookiecutter.package_name }}`` on a free port. The process and HTTP
helpers it returns (``LiveServer``, ``Reply``) are in ``live_server.py`` next to this file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from live_server import LiveServer, find_free_port, start

from {{ cookiecutter.package_name }} import settings

STARTUP_TIMEOUT = {{ framework_info(cookiecutter.framework).get("startup_timeout", 30) }}


def pytest_collection_finish() -> None:
    """What collecting imported (the project, its framework, the data layer...) lives until the
    end: out of the garbage collector's full passes, which then scan only what the tests make."""
    settings.freeze_startup_objects()


def pytest_unconfigure() -> None:
    """The report is written: spare the interpreter's teardown its full collections over
    everything the run made (measured on 2 cores: 0.6-0.8 s between the summary and the exit)."""
    settings.freeze_startup_objects()


@pytest.fixture(scope="session", autouse=True)
def shared_bytecode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The servers and scripts the tests start compile each module once, not once per start.

    With PYTHONDONTWRITEBYTECODE set (as in many containers and CI images) every child process
    compiled the framework, its server and the data layer again: 1.5-2.5 s of CPU per server
    start. Their bytecode then goes to a folder of this run, so the project and the virtual
    environment still get none.
    """
    with pytest.MonkeyPatch.context() as patch:
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            patch.delenv("PYTHONDONTWRITEBYTECODE")
            patch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path_factory.mktemp("bytecode")))
        yield


@pytest.fixture
def free_port() -> int:
    """A free port on 127.0.0.1, for a server the test runs in this process."""
    return find_free_port()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start ``python -m {{ cookiecutter.package_name }}`` with settings given without the prefix.

    ``start_server(ENV="production", SECRET_KEY="...")`` returns once ``/health`` answers;
    ``wait=False`` returns at once (e.g. to check a refusal). Settings from the environment of
    the test run are dropped first, and so are the variables named by ``drop_env`` prefixes.
    ``sigint_ignored=True`` starts it as a shell starts a background job (``cmd &``): with
    SIGINT ignored. Every server is killed, with its children, at teardown.
    """
    servers: list[LiveServer] = []

    def start_one(
        *,
        wait: bool = True,
        cwd: Path | None = None,
        drop_env: tuple[str, ...] = (),
        sigint_ignored: bool = False,
        **config: str,
    ) -> LiveServer:
        dropped = (settings.PREFIX, *drop_env)
        env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
        config.setdefault("PORT", str(find_free_port()))
        env.update({settings.env_var(name): value for name, value in config.items()})
        server = start(
            [sys.executable, "-m", "{{ cookiecutter.package_name }}"],
            port=int(config["PORT"]),
            log_path=tmp_path / f"server-{len(servers)}.log",
            env=env,
            cwd=cwd or tmp_path,
            sigint_ignored=sigint_ignored,
        )
        servers.append(server)
        if wait:
            server.wait_until_healthy(STARTUP_TIMEOUT)
        return server

    yield start_one
    for server in servers:
        server.kill()
