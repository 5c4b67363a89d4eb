"""Several HTTP servers on one engine: the main site, the admin app and HTTPS."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import struct
import sys
import tempfile
from pathlib import Path
from typing import ClassVar

import cherrypy
import pytest
import trustme
from cherrypy.process.servers import ServerAdapter
from live_server import find_free_port

from {{ cookiecutter.package_name }}.listeners import Listener

from . import support
from .support import request


def listen_backlog(sock: socket.socket) -> int:
    """The backlog the kernel gave a listening socket: ``tcpi_sacked`` of Linux's TCP_INFO."""
    # struct tcp_info: 8 one-byte fields, then u32 rto, ato, snd_mss, rcv_mss, unacked, sacked.
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 32)
    return struct.unpack_from("I", info, 28)[0]


def somaxconn() -> int:
    return int(Path("/proc/sys/net/core/somaxconn").read_text())


class TestListeners(support.SiteCase):
    """The real engine runs three servers, each on a free port of 127.0.0.1."""

    admin_port = find_free_port()
    https_port = find_free_port()
    certificates = Path(tempfile.mkdtemp(prefix="certificates-"))
    ca = trustme.CA()
    settings: ClassVar[dict[str, str]] = {
        "ADMIN_PORT": str(admin_port),
        "HTTPS_PORT": str(https_port),
        "HTTPS_CERTIFICATE": str(certificates / "cert.pem"),
        "HTTPS_PRIVATE_KEY": str(certificates / "key.pem"),
    }

    @classmethod
    def setup_server(cls) -> None:
        cert = cls.ca.issue_cert("127.0.0.1")
        cert.cert_chain_pems[0].write_to_path(str(cls.certificates / "cert.pem"))
        cert.private_key_pem.write_to_path(str(cls.certificates / "key.pem"))
        super().setup_server()

    @classmethod
    def teardown_class(cls) -> None:
        super().teardown_class()
        shutil.rmtree(cls.certificates, ignore_errors=True)

    def test_the_listeners_are_servers_on_the_engine_bus(self) -> None:
        names = [listener.name for listener in self.built.listeners]
        assert names == ["admin", "https"]
        for listener in self.built.listeners:
            assert isinstance(listener, ServerAdapter)
            assert listener.start in cherrypy.engine.listeners["start"]
            assert listener.running

    def test_the_listeners_have_the_request_limits_of_the_main_server(self) -> None:
        for listener in self.built.listeners:
            server = listener.httpserver
            assert server.max_request_body_size == cherrypy.server.max_request_body_size
            assert server.max_request_header_size == cherrypy.server.max_request_header_size
            assert server.shutdown_timeout == cherrypy.server.shutdown_timeout
        assert cherrypy.server.max_request_header_size == 65536

    @pytest.mark.skipif(sys.platform != "linux", reason="reads the backlog with Linux TCP_INFO")
    def test_every_listen_socket_has_the_configured_backlog(self) -> None:
        # CherryPy's default backlog of 5 drops handshakes when dozens of clients connect at
        # once; check the kernel got server.socket_queue_size, not just cherrypy.config.
        assert cherrypy.server.socket_queue_size == 1024
        for server in [cherrypy.server, *self.built.listeners]:
            assert listen_backlog(server.httpserver.socket) == min(1024, somaxconn())

    def test_main_listener_serves_the_site(self) -> None:
        self.getPage("/health")
        self.assertStatus(200)

    def test_admin_listener_serves_the_admin_app(self) -> None:
        status, headers, body = request(self.admin_port, "/")
        assert status == 200
        assert headers["cache-control"] == "no-store"
        report = json.loads(body)
        assert report["status"] == "ok"
        assert report["engine"] == "states.STARTED"
        assert f"admin http://127.0.0.1:{self.admin_port}" in report["listeners"]
        assert f"https https://127.0.0.1:{self.https_port}" in report["listeners"]

    def test_admin_app_is_not_on_the_public_listener(self) -> None:
        self.getPage("/")
        self.assertHeader("Content-Type", "text/html;charset=utf-8")
        status, _, body = request(self.admin_port, "/api/items")
        assert status == 404

    def test_https_listener_serves_the_site(self) -> None:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        status, _, body = request(self.https_port, "/health", context=context)
        assert status == 200
        assert json.loads(body) == {"status": "ok"}


class TestNoExtraListeners(support.SiteCase):
    def test_testing_conf_declares_none(self) -> None:
        assert self.built.listeners == []
        assert not any(
            isinstance(server, Listener) for server in cherrypy.engine.listeners["start"]
        )


class TestProfiling(support.SiteCase):
    """profiling.on wraps the apps in cherrypy.lib.profiler; the admin app browses the output."""

    admin_port = find_free_port()
    profiles = Path(tempfile.mkdtemp(prefix="profiles-"))
    settings: ClassVar[dict[str, str]] = {"ADMIN_PORT": str(admin_port), "PROFILING": "true"}
    conf_lines = f'profiling.path = "{profiles}"\n'

    @classmethod
    def teardown_class(cls) -> None:
        super().teardown_class()
        shutil.rmtree(cls.profiles, ignore_errors=True)

    def test_requests_are_profiled_and_browsable(self) -> None:
        self.getPage("/health")
        self.assertStatus(200)
        self.assertBody('{"status": "ok"}')
        written = sorted(path.name for path in self.profiles.glob("cp_*.prof"))
        assert written, "no profile written"
        status, _, body = request(self.admin_port, "/profiler/menu")
        assert status == 200
        assert written[-1] in body.decode()

    def test_the_profiler_may_frame_its_own_pages_only(self) -> None:
        status, headers, body = request(self.admin_port, "/profiler/")
        assert status == 200
        assert b"<frameset" in body
        assert headers["x-frame-options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        _, headers, _ = request(self.admin_port, "/")
        assert headers["x-frame-options"] == "DENY"

    def test_the_admin_app_only_reads(self) -> None:
        status, headers, _ = request(self.admin_port, "/", method="DELETE")
        assert status == 405
        assert headers["allow"] == "GET, HEAD"
