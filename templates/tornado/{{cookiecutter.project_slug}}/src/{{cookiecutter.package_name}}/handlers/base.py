"""JSON helpers shared by the API handlers: parse the body, write errors as JSON."""

from __future__ import annotations

import json
import traceback
from typing import Any

from tornado.web import HTTPError, RequestHandler


class ApiError(HTTPError):
    """An HTTPError whose message is meant for the client; written as JSON by JsonHandler."""

    def __init__(self, status_code: int, message: str, headers: dict[str, str] | None = None):
        # "%s" keeps a "%" in the message from being taken as a format by tornado's logging.
        super().__init__(status_code, "%s", message)
        self.message = message
        self.headers = headers or {}


class JsonHandler(RequestHandler):
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
        self.finish(body)

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object; 415 or 400 with a clear message otherwise."""
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise ApiError(415, "send the body as application/json")
        try:
            data = json.loads(self.request.body)
        except ValueError as error:  # UnicodeDecodeError is a ValueError too
            raise ApiError(400, f"the body is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ApiError(400, "the body must be a JSON object")
        return data

    def int_argument(self, name: str, default: int, minimum: int = 0) -> int:
        """A non-negative integer query argument; 400 when it is not one."""
        raw = self.get_query_argument(name, None)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise ApiError(400, f"{name} must be an integer >= {minimum}, not {raw!r}")
        return value
