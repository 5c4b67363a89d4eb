"""Handler bases: security headers and cookie defaults for every response, JSON errors and
bodies for the API."""

from __future__ import annotations

import traceback
from typing import Any

import tornado.process
from tornado.http1connection import HTTP1Connection
from tornado.httputil import HTTPHeaders, HTTPServerRequest
from tornado.web import (
    Application,
    HTTPError,
    RequestHandler,
    StaticFileHandler,
    stream_request_body,
)

from .. import jsonbody
from ..security_headers import SecurityPolicy
from ..settings import as_int

# The application's limits on a request's target (path + query) and on its header fields, in
# bytes. They are well under the server's max_header_size, past which Tornado closes the
# connection without answering: up to that, a request over them gets a JSON 414 or 431.
MAX_TARGET_BYTES = 8 * 1024
MAX_HEADER_BYTES = 8 * 1024


def worker_id() -> str:
    """Which forked worker answers ("0" in a single process): tests and operators can tell."""
    return str(tornado.process.task_id() or 0)


class BaseHandler(RequestHandler):
    """Base of every handler of the application. Each request is in the application's
    ``in_flight`` set until it is answered, so shutdown can wait for it."""

    def __init__(self, application: Application, request: HTTPServerRequest, **kwargs: Any):
        super().__init__(application, request, **kwargs)
        application.settings["in_flight"].add(self)

    def on_finish(self) -> None:
        self.settings["in_flight"].discard(self)

    def on_connection_close(self) -> None:
        self.settings["in_flight"].discard(self)
        super().on_connection_close()

    def set_default_headers(self) -> None:
        """The shared security headers (security_headers.py), before the handler runs: headers
        it sets itself replace them. Tornado calls this for each response, and again when
        send_error() clears the headers. (Writing to the private ``_headers`` map instead of
        set_header() saves about 7 us per request, measured; not worth leaving Tornado's API.)"""
        policy: SecurityPolicy = self.settings["security_policy"]
        request = self.request
        https = policy.is_https(
            request.protocol, request.remote_ip, request.headers.get("X-Forwarded-Proto")
        )
        for name, value in policy.headers(https):
            self.set_header(name, value)
        # Tornado's default "TornadoServer/<version>" tells an attacker which bugs to try.
        self.clear_header("Server")
        self.set_header("X-Worker", worker_id())

    def allowed_methods(self) -> list[str]:
        """The methods this handler implements: RequestHandler's own answer 405."""
        return [
            method
            for method in self.SUPPORTED_METHODS
            if getattr(type(self), method.lower(), None)
            is not getattr(RequestHandler, method.lower(), None)
        ]

    def finish(self, chunk: str | bytes | dict[str, Any] | None = None) -> Any:
        # Tornado answers a method the handler lacks with a bare 405; HTTP wants the Allow list.
        if self.get_status() == 405:
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        return super().finish(chunk)

    def wants_html(self) -> bool:
        """A browser asking for a page (not the API): errors are HTML for it."""
        accept = self.request.headers.get("Accept", "")
        return "text/html" in accept and not self.request.path.startswith("/api/")

    def set_cookie(self, name: str, value: str | bytes, *args: Any, **kwargs: Any) -> None:
        """Cookies (signed ones too) default to HttpOnly, SameSite=Lax and, unless debug is on
        (plain http://localhost), Secure."""
        kwargs.setdefault("httponly", True)
        kwargs.setdefault("samesite", "Lax")
        kwargs.setdefault("secure", not self.settings.get("debug"))
        super().set_cookie(name, value, *args, **kwargs)


class StaticHandler(BaseHandler, StaticFileHandler):
    """The application's ``static_handler_class``: static files with the security headers.
    StaticFileHandler itself refuses paths outside ``static_path`` (403)."""


class ApiError(HTTPError):
    """An HTTPError whose message is meant for the client; written as JSON by JsonHandler."""

    def __init__(self, status_code: int, message: str, headers: dict[str, str] | None = None):
        # "%s" keeps a "%" in the message from being taken as a format by tornado's logging.
        super().__init__(status_code, "%s", message)
        self.message = message
        self.headers = headers or {}


class JsonHandler(BaseHandler):
    """Base for JSON endpoints. Errors are ``{"error": ..., "status": ...}`` with the right
    status code; the traceback is added only when ``serve_traceback`` is on (debug)."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        body: dict[str, Any] = {"error": self._reason, "status": status_code}
        if isinstance(error, ApiError):
            body["error"] = error.message
            for name, value in error.headers.items():
                self.set_header(name, value)
        if exc_info and self.settings.get("serve_traceback"):
            body["traceback"] = traceback.format_exception(*exc_info)
        if self.wants_html():
            self.render(
                "error.html", status=status_code, error=body["error"], details=body.get("traceback")
            )
        else:
            self.finish(body)

    def int_argument(self, name: str, default: int, minimum: int = 0) -> int:
        """A non-negative integer query argument; 400 when it is not one."""
        raw = self.get_query_argument(name, None)
        if raw is None:
            return default
        value = as_int(raw)  # ASCII digits only: int() also reads "١" or "²"
        if value is None or value < minimum:
            raise ApiError(400, f"{name} must be an integer >= {minimum}, not {raw!r}")
        return value


@stream_request_body
class JsonBodyHandler(JsonHandler):
    """A JSON endpoint that receives its body itself, so that a body over the application's
    ``max_body_size`` setting is refused with 413 from its Content-Length, before it is read.

    A chunked body has no Content-Length: the server cuts it off at the same limit (a bare 400).
    """

    def prepare(self) -> None:
        self.body = bytearray()
        limit = self.settings["max_body_size"]
        length = self.request.headers.get("Content-Length", "")
        # A malformed Content-Length is left to the server, which answers 400.
        if length.isdigit() and int(length) > limit:
            # Tornado closes the connection once this answer is sent, without reading the rest
            # of the body. Lifting the connection's limit keeps it from also sending its own 400.
            self.limit_body_size(int(length))
            raise ApiError(413, f"the body must be at most {limit} bytes")
        self.limit_body_size(limit)

    def limit_body_size(self, size: int) -> None:
        # Tornado's server always hands an HTTP1Connection; the request's own type says only
        # "some connection, or none" (a request built by hand), which has no body limit to set.
        connection = self.request.connection
        if isinstance(connection, HTTP1Connection):
            connection.set_max_body_size(size)

    def data_received(self, chunk: bytes) -> None:
        self.body += chunk

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object; 415 or 400 with a clear message otherwise."""
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise ApiError(415, "send the body as application/json")
        data = parse_json(self.body)
        if not isinstance(data, dict):
            raise ApiError(400, "the body must be a JSON object")
        return data


def parse_json(body: str | bytes | bytearray, what: str = "the body") -> Any:
    """JSON from a client; 400 when it is not valid JSON or nested too deeply to parse."""
    try:
        return jsonbody.loads(body)
    except ValueError as error:  # UnicodeDecodeError and too deep a document too
        raise ApiError(400, f"{what} is not valid JSON: {error}") from None


def header_bytes(headers: HTTPHeaders) -> int:
    """The size of the header fields as sent, ``Name: value`` and CRLF for each."""
    return sum(len(name) + len(value) + 4 for name, value in headers.get_all())


def oversized_status(request: HTTPServerRequest) -> int | None:
    """414 or 431 when ``request`` is over the application's limits, else None."""
    # Tornado decodes the request line and headers as Latin-1: one character per byte.
    if len(request.uri or "") > MAX_TARGET_BYTES:
        return 414
    if header_bytes(request.headers) > MAX_HEADER_BYTES:
        return 431
    return None


class OversizedRequestHandler(JsonHandler):
    """Answers a request over the size limits (routed here by ``Application.find_handler``)."""

    MESSAGES = {
        414: f"the request target must be at most {MAX_TARGET_BYTES} bytes",
        431: f"the request header fields must be at most {MAX_HEADER_BYTES} bytes in all",
    }

    def initialize(self, status: int) -> None:
        self.status = status

    def prepare(self) -> None:
        raise ApiError(self.status, self.MESSAGES[self.status])

    def check_xsrf_cookie(self) -> None:
        """No side effects here: no token to check (as in tornado's own ErrorHandler)."""
