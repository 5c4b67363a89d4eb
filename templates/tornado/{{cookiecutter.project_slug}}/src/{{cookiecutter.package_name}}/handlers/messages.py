"""The message feed over HTTP: read and post, long-poll for updates, or subscribe by WebSocket."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..feed import FeedFullError, Message, MessageFeed
from .base import ApiError, JsonBodyHandler, JsonHandler

MAX_TEXT_LENGTH = 1000
RETRY_AFTER_SECONDS = "5"


def message_text(data: Any) -> str:
    """The ``text`` of a posted message; 422 when it is missing, empty or too long."""
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ApiError(422, 'a message needs a non-empty "text" string')
    if len(text) > MAX_TEXT_LENGTH:
        raise ApiError(422, f'"text" must be at most {MAX_TEXT_LENGTH} characters')
    return text.strip()


def feed_full(feed: MessageFeed) -> ApiError:
    return ApiError(
        503,
        f"too many clients are waiting for messages (limit {feed.max_waiters}); retry later",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def page(messages: list[Message], feed: MessageFeed) -> dict[str, Any]:
    """Messages plus the cursor to send next time."""
    cursor = messages[-1].id if messages else feed.last_id
    return {"messages": [message.as_json() for message in messages], "cursor": cursor}


class FeedStatsHandler(JsonHandler):
    """How many clients this process holds: for monitoring and the benchmark."""

    def initialize(self, feed: MessageFeed) -> None:
        self.feed = feed

    def get(self) -> None:
        self.finish(
            {
                "last_id": self.feed.last_id,
                "waiting": self.feed.waiting,
                "subscribed": self.feed.subscribed,
                "max_waiters": self.feed.max_waiters,
            }
        )


class MessagesHandler(JsonBodyHandler):
    def initialize(self, feed: MessageFeed) -> None:
        self.feed = feed

    def get(self) -> None:
        """Messages newer than ``?cursor=``, without waiting."""
        cursor = self.int_argument("cursor", 0)
        self.finish(page(self.feed.since(cursor), self.feed))

    def post(self) -> None:
        message = self.feed.post(message_text(self.json_body()))
        self.set_status(201)
        self.finish({"message": message.as_json()})


class UpdatesHandler(JsonHandler):
    """Long poll: answer as soon as there are messages newer than ``?cursor=``, or with an
    empty list after the poll timeout. A client that disconnects stops waiting at once."""

    def initialize(self, feed: MessageFeed, timeout: float) -> None:
        self.feed = feed
        self.timeout = timeout
        self.pending: asyncio.Future[list[Message]] | None = None
        self.client_gone = False

    async def get(self) -> None:
        cursor = self.int_argument("cursor", 0)
        self.pending = asyncio.ensure_future(self.feed.wait_for_messages(cursor, self.timeout))
        try:
            messages = await self.pending
        except FeedFullError:
            raise feed_full(self.feed) from None
        except asyncio.CancelledError:
            if not self.client_gone:
                raise
            # Nobody to answer; the access log shows nginx's "client closed request" code.
            self.set_status(499, "Client Closed Request")
            return
        self.finish(page(messages, self.feed))

    def on_connection_close(self) -> None:
        self.client_gone = True
        if self.pending is not None:
            self.pending.cancel()


class FeedSocketHandler(JsonHandler, WebSocketHandler):
    """WebSocket: sends ``{"message": ...}`` for the backlog after ``?cursor=`` and then for
    every new message; a ``{"text": ...}`` frame from the client posts a message."""

    def initialize(self, feed: MessageFeed) -> None:
        self.feed = feed
        self.cursor = 0

    async def get(self, *args: Any, **kwargs: Any) -> None:
        # Checked before the upgrade, so a refused client gets a plain HTTP error.
        self.cursor = self.int_argument("cursor", 0)
        if self.feed.full:
            raise feed_full(self.feed)
        await super().get(*args, **kwargs)

    def open(self, *args: str, **kwargs: str) -> None:
        try:
            self.feed.subscribe(self)
        except FeedFullError:  # filled up during the handshake
            self.close(1013, "too many clients; retry later")
            return
        for message in self.feed.since(self.cursor):
            self.push(message)

    def on_message(self, data: str | bytes) -> None:
        try:
            text = message_text(json.loads(data))
        except ValueError:
            self.write_message({"error": "send a JSON object"})
        except ApiError as error:
            self.write_message({"error": error.message})
        else:
            self.feed.post(text)

    def push(self, message: Message) -> None:
        try:
            self.write_message({"message": message.as_json()})
        except WebSocketClosedError:
            self.feed.unsubscribe(self)

    def on_close(self) -> None:
        self.feed.unsubscribe(self)
