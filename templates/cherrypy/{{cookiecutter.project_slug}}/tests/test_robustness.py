"""Bad requests get a clear 4xx, from cheroot or from CherryPy, and no traceback; every answer
carries the security headers. Raw sockets, because http.client refuses to send most of these.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket

from {{ cookiecutter.package_name }}.security_headers import load_policy

from . import support  # not ``import SiteCase``: pytest would collect and start it once more

BODY_LIMIT = 1048576  # request.body.maxbytes in the config files
HEADER_LIMIT = 65536  # server.max_request_header_size


def raw_request(port: int, head: bytes, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` (request line and headers, without the blank line) and ``body`` as given."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        # cheroot may answer (413) and close before reading everything: keep its answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()


class TestResponses(support.SiteCase):
    def test_every_response_has_them_errors_included(self) -> None:
        for path in ("/", "/health", "/static/style.css", "/no/such/page", "/api/items", "/api/x"):
            self.getPage(path)
            for name, value in load_policy().plain:
                self.assertHeader(name, value)
            self.assertNoHeader("Strict-Transport-Security")

    def test_the_csp_forbids_framing_and_other_origins(self) -> None:
        self.getPage("/")
        policy = self.assertHeader("Content-Security-Policy")
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy

    def test_the_site_answers_other_methods_with_405_and_allow(self) -> None:
        for method, path in (
            ("DELETE", "/"),
            ("BREW", "/"),
            ("OPTIONS", "/"),
            ("POST", "/items/"),
            ("PUT", "/static/style.css"),
        ):
            self.getPage(path, method=method)
            self.assertStatus(405)
            self.assertHeader("Allow", "GET, HEAD")

    def test_head_is_get_without_a_body(self) -> None:
        for path in ("/", "/health"):
            self.getPage(path, method="HEAD")
            self.assertStatus(200)
            self.assertBody(b"")


class TestLimits(support.SiteCase):
    def post_json(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        head = (
            b"POST /api/items HTTP/1.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode()
        )
        return raw_request(self.PORT, head, body)

    def test_a_body_at_the_limit_is_read(self) -> None:
        status, _, body = self.post_json(b'{"title": "big"}'.ljust(BODY_LIMIT))
        assert status == 201, body
        assert json.loads(body)["title"] == "big"

    def test_a_body_over_the_limit_is_a_json_413_before_it_is_read(self) -> None:
        """Regression: over cheroot's own limit (2 MiB), its plain-text 413 came first."""
        # Only the Content-Length is sent: the app answers without waiting for the body.
        head = b"POST /api/items HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
        for length in (BODY_LIMIT + 1, 2 * BODY_LIMIT + 1, 10**12):
            status, headers, body = raw_request(self.PORT, head + str(length).encode())
            assert status == 413, length
            assert headers["content-type"] == "application/json"
            assert json.loads(body)["error"]["status"] == 413
            assert headers["connection"] == "close"  # the unread body is not drained

    def post_chunked(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        head = (
            b"POST /api/items HTTP/1.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked"
        )
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        return raw_request(self.PORT, head, chunked)

    def test_a_chunked_body_is_read(self) -> None:
        """Regression: json_in wanted a Content-Length (411) for every chunked body."""
        status, _, body = self.post_chunked(b'{"title": "chunked"}')
        assert status == 201, body
        assert json.loads(body)["title"] == "chunked"

    def test_a_chunked_body_over_the_limit_is_a_json_413(self) -> None:
        status, headers, body = self.post_chunked(b'{"title": "big"}'.ljust(BODY_LIMIT + 1))
        assert status == 413, body
        assert headers["content-type"] == "application/json"
        assert json.loads(body)["error"]["status"] == 413

    def test_an_overlong_url_is_414(self) -> None:
        status, _, _ = raw_request(self.PORT, b"GET /" + b"a" * HEADER_LIMIT + b" HTTP/1.1")
        assert status == 414

    def test_overlong_headers_are_413(self) -> None:
        # cheroot's status for headers over max_request_header_size (431 is not an option).
        padding = b"X-Padding: " + b"a" * HEADER_LIMIT
        status, _, _ = raw_request(self.PORT, b"GET /health HTTP/1.1\r\n" + padding)
        assert status == 413

    def test_invalid_utf8_is_a_4xx_without_traceback(self) -> None:
        for target in (b"/\xff\xfe/x", b"/%FF%FE/x", b"/api/items?done=%FF%FE"):
            status, _, body = raw_request(self.PORT, b"GET " + target + b" HTTP/1.1")
            assert 400 <= status < 500, (target, status)
            if self.environment == "production":  # testing shows tracebacks, even on a 404
                assert b"Traceback" not in body

    def test_path_traversal_stays_in_the_static_folder(self) -> None:
        for attack in (b"../../../../etc/passwd", b"..%2f..%2f..%2fetc%2fpasswd"):
            status, _, body = raw_request(self.PORT, b"GET /static/" + attack + b" HTTP/1.1")
            assert 400 <= status < 500, (attack, status)
            assert b"root:" not in body


class TestProductionResponses(TestResponses):
    environment = "production"


class TestProductionLimits(TestLimits):
    environment = "production"
