"""Data written through the production server is read back by every connection and survives a
restart: the shared-ground check every starter with a data layer must pass.

One write, then READS reads, each on a new connection: with several worker processes they land on
different processes, so data kept in one process's memory fails. Then SIGTERM, a new server with
the same settings and database, and the data must still be there. What to write and where to read
it back comes from "persistence" in the framework's framework.json; the database is a fresh one per
test, PostgreSQL or an SQLite file.

A PostgreSQL restart under a running server costs no failed request: the connections the server
pooled before it are dead, and the starters check a connection before handing it out (SQLAlchemy's
``pool_pre_ping``; docs/benchmarks.md gives its price per request).
"""

from __future__ import annotations

import http.client
import io
import signal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from live_server import Reply

from tests.harness import (
    FRAMEWORKS,
    NO_DATA_LAYER,
    ProjectEnv,
    Server,
    Services,
    framework_info,
    migrate,
    production_settings,
    running_server,
)
from tests.services import PostgresServer

READS = 12
SCHEMES = ("sqlite", "postgresql")
STOP_TIMEOUT = 5.0


def write(server: Server, probe: dict[str, Any]) -> Reply:
    spec = probe["write"]
    headers = {"Content-Type": spec["content_type"], **spec.get("headers", {})}
    reply = server.request(spec["method"], spec["path"], spec["body"].encode(), headers)
    assert 200 <= reply.status < 300, (reply.status, reply.text[:300])
    return reply


def read_path(probe: dict[str, Any], written: Reply) -> str:
    """The probe's read path, ``{location}`` replaced by the path of the write's Location."""
    path: str = probe["read"]
    if "{location}" in path:
        location = written.headers.get("Location")
        assert location, "the write was answered without a Location header"
        target = urlsplit(location)
        path = path.replace(
            "{location}", target.path + (f"?{target.query}" if target.query else "")
        )
    # A read that echoes its own URL would find the text without any storage.
    assert probe["expect"] not in path, path
    return path


def assert_reads(server: Server, path: str, expect: str, count: int) -> None:
    for number in range(1, count + 1):
        reply = server.request("GET", path, headers={"Accept": "application/json"})
        assert reply.status == 200 and expect in reply.text, (
            f"read {number}/{count} of {path}: {reply.status} {reply.text[:300]}"
        )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_write_is_read_by_every_connection_and_survives_a_restart(
    framework: str,
    scheme: str,
    services: Services,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    info = framework_info(framework)
    if not info.get("data_layer"):
        pytest.skip(NO_DATA_LAYER)
    if scheme not in info["database_schemes"]:
        pytest.skip(f"{framework} supports {' and '.join(info['database_schemes'])} only")
    project_env: ProjectEnv = request.getfixturevalue("project_env")  # after the skips: no install
    probe = info["persistence"]
    settings = production_settings(framework, services, scheme)
    migrate(project_env, settings)
    with running_server(project_env, tmp_path / "first.log", **settings) as server:
        path = read_path(probe, write(server, probe))
        assert_reads(server, path, probe["expect"], READS)
        assert server.stop(signal.SIGTERM, timeout=STOP_TIMEOUT) == 0, server.output()
    with running_server(project_env, tmp_path / "restarted.log", **settings) as server:
        assert_reads(server, path, probe["expect"], READS)


def test_reads_after_a_postgresql_restart_all_succeed(
    framework: str, services: Services, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    info = framework_info(framework)
    if "postgresql" not in info.get("database_schemes", []):
        pytest.skip(f"{framework} has no PostgreSQL")
    project_env: ProjectEnv = request.getfixturevalue("project_env")
    postgres: PostgresServer = request.getfixturevalue("postgres")
    probe = info["persistence"]
    settings = production_settings(framework, services, "postgresql")
    migrate(project_env, settings)
    with running_server(project_env, tmp_path / "server.log", **settings) as server:
        path = read_path(probe, write(server, probe))
        assert_reads(server, path, probe["expect"], READS)  # every worker pools a connection
        postgres.restart()
        assert_reads(server, path, probe["expect"], READS)


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_framework_json_declares_its_data_layer(name: str) -> None:
    info = framework_info(name)
    assert isinstance(info["data_layer"], bool)
    assert info["database_schemes"] and set(info["database_schemes"]) <= set(SCHEMES)
    assert isinstance(info["forks_workers"], bool) and isinstance(info["uses_redis"], bool)
    probe = info["persistence"]
    assert probe["write"]["method"] in {"POST", "PUT"} and probe["write"]["path"].startswith("/")
    assert (
        probe["read"].startswith(("/", "{location}")) and probe["expect"] in probe["write"]["body"]
    )


def test_read_path_is_the_path_of_the_location_the_write_gave() -> None:
    headers = http.client.parse_headers(
        io.BytesIO(b"Location: http://127.0.0.1:1/api/x/7?a=1\r\n\r\n")
    )
    probe = {"read": "{location}", "expect": "kept"}
    assert read_path(probe, Reply(201, headers, b"")) == "/api/x/7?a=1"
