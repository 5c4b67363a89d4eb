"""The message feed over HTTP: read and post, long-poll for updates, or follow by WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..feed import Feed, FeedFullError
from ..models import MAX_TEXT_LENGTH, Message
from .base import ApiError, JsonBodyHandler, JsonHandler, parse_json

RETRY_AFTER_SECONDS = "5"


def message_text(data: Any) -> str:
    """The ``text`` of a posted message; 422 when it is missing, blank or too long."""
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ApiError(422, 'a message needs a "text" string that is not blank')
    if len(text.strip()) > MAX_TEXT_LENGTH:
        raise ApiError(422, f'"text" must be at most {MAX_TEXT_LENGTH} characters')
    return text.strip()


def feed_full(feed: Feed) -> ApiError:
    return ApiError(
        503,
        f"too many clients are following the feed (limit {feed.max_waiters}); retry later",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


def page(messages: list[Message], cursor: int) -> dict[str, Any]:
    """Messages plus the cursor to send next time (unchanged when there are none)."""
    cursor = messages[-1].id if messages else cursor
    return {"messages": [message.as_json() for message in messages], "cursor": cursor}


class FeedHandler(JsonHandler):
    def initialize(self, feed: Feed) -> None:
        self.feed = feed


class FeedStatsHandler(FeedHandler):
    """How many clients this process holds: for monitoring and the benchmark."""

    def get(self) -> None:
        feed = self.feed
        self.finish(
            {
                "last_id": feed.last_id,
                "waiting": feed.waiting,
                "subscribed": feed.subscribed,
                "max_waiters": feed.max_waiters,
            }
        )


class MessagesHandler(JsonBodyHandler):
    def initialize(self, feed: Feed) -> None:
        self.feed = feed

    async def get(self) -> None:
        """Messages newer than ``?cursor=``, without waiting: from the database, so a client
        reads its own post at once (this process's cache may be a moment behind)."""
        cursor = self.int_argument("cursor", 0)
        self.finish(page(await self.feed.store.since(cursor, self.feed.history), cursor))

    async def post(self) -> None:
        message = await self.feed.post(message_text(self.json_body()))
        self.set_status(201)
        self.set_header("Location", self.reverse_url("message", message.id))
        self.finish({"message": message.as_json()})


class MessageHandler(FeedHandler):
    async def get(self, message_id: str) -> None:
        message = await self.feed.store.get(int(message_id))
        if message is None:
            raise ApiError(404, f"no message {message_id}")
        self.finish(message.as_json())


class UpdatesHandler(FeedHandler):
    """Long poll: answer as soon as there are messages newer than ``?cursor=``, or with an
    empty list after the poll timeout or on shutdown. A client that goes away stops waiting."""

    def initialize(self, feed: Feed, timeout: float) -> None:  # type: ignore[override]
        self.feed = feed
        self.timeout = timeout
        self.pending: asyncio.Task[list[Message]] | None = None
        self.client_gone = False

    async def get(self) -> None:
        cursor = self.int_argument("cursor", 0)
        try:
            with self.feed.long_poll():
                self.pending = asyncio.create_task(self.feed.wait(cursor, self.timeout))
                messages = await self.pending
        except FeedFullError:
            raise feed_full(self.feed) from None
        except asyncio.CancelledError:
            if not self.client_gone:
                raise
            # Nobody to answer. nginx's "client closed request" code, logged at INFO only.
            self.set_status(499, "Client Closed Request")
            return
        self.finish(page(messages, cursor))

    def on_connection_close(self) -> None:
        super().on_connection_close()
        self.client_gone = True
        if self.pending is not None:
            self.pending.cancel()


class FeedSocketHandler(FeedHandler, WebSocketHandler):
    """WebSocket: sends ``{"message": ...}`` for each message after ``?cursor=``, the backlog
    first, then each new one; a ``{"text": ...}`` frame from the client posts a message.

    Each socket's sender awaits every write: a client that stops reading holds one message in
    the server, not a growing buffer (the rest wait in the database)."""

    sender: asyncio.Task[None] | None = None

    async def get(self, *args: Any, **kwargs: Any) -> None:
        # Checked before the upgrade, so a refused client gets a plain HTTP error.
        self.cursor = self.int_argument("cursor", 0)
        if self.feed.full:
            raise feed_full(self.feed)
        await super().get(*args, **kwargs)

    def open(self, *args: str, **kwargs: str) -> None:
        try:
            self.feed.subscribe()
        except FeedFullError:  # filled up during the handshake
            self.close(1013, "too many clients; retry later")
            return
        self.sender = asyncio.create_task(self.send_messages())

    async def send_messages(self) -> None:
        cursor = self.cursor
        try:
            while not self.feed.closing:
                for message in await self.feed.wait(cursor, None):
                    await self.write_message({"message": message.as_json()})
                    cursor = message.id
        except WebSocketClosedError:
            return
        self.close(1001, "server shutting down")

    async def on_message(self, data: str | bytes) -> None:
        try:
            text = message_text(parse_json(data, "the message"))
        except ApiError as error:
            with contextlib.suppress(WebSocketClosedError):
                await self.write_message({"error": error.message})
            return
        await self.feed.post(text)

    def on_close(self) -> None:
        if self.sender is not None:
            self.sender.cancel()
            self.feed.unsubscribe()
            self.sender = None
