"""An in-memory message feed, in the style of Tornado's chat demo.

Clients ask for the messages newer than a cursor (the id of the last message they saw). Long polls
wait on a future until a message arrives or a timeout passes; WebSocket subscribers get a callback
for each message. Every waiter and subscriber is removed when its client goes away, and their
number is bounded, so many idle clients cost memory but never leak.

The feed lives in one process: with several worker processes each has its own feed.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    id: int
    text: str
    created: float

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "created": self.created}


class Subscriber(Protocol):
    """What the feed needs from a WebSocket handler."""

    def push(self, message: Message) -> None: ...

    def close(self, code: int | None = None, reason: str | None = None) -> None: ...


class FeedFullError(Exception):
    """Too many clients are already waiting on the feed."""


class MessageFeed:
    def __init__(self, history: int, max_waiters: int) -> None:
        self.max_waiters = max_waiters
        self._messages: deque[Message] = deque(maxlen=history)
        self._last_id = 0
        self._waiters: set[asyncio.Future[None]] = set()
        self._subscribers: set[Subscriber] = set()

    @property
    def last_id(self) -> int:
        return self._last_id

    @property
    def waiting(self) -> int:
        """Long polls currently waiting."""
        return len(self._waiters)

    @property
    def subscribed(self) -> int:
        """WebSocket clients currently subscribed."""
        return len(self._subscribers)

    @property
    def full(self) -> bool:
        return self.waiting + self.subscribed >= self.max_waiters

    def since(self, cursor: int) -> list[Message]:
        """Messages newer than ``cursor``; all of them when the cursor is unknown (from the future,
        e.g. a client that saw a previous run of the server)."""
        if cursor > self._last_id:
            cursor = 0
        return [message for message in self._messages if message.id > cursor]

    def post(self, text: str) -> Message:
        """Add a message and wake every waiter and subscriber."""
        self._last_id += 1
        message = Message(id=self._last_id, text=text, created=time.time())
        self._messages.append(message)
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        for subscriber in list(self._subscribers):
            subscriber.push(message)
        return message

    async def wait_for_messages(self, cursor: int, timeout: float) -> list[Message]:
        """Messages newer than ``cursor``, waiting up to ``timeout`` seconds for the first one.

        Returns an empty list on timeout. Cancelling the call (the client went away) removes the
        waiter at once. Raises FeedFullError when ``max_waiters`` clients already wait.
        """
        messages = self.since(cursor)
        if messages:
            return messages
        if self.full:
            raise FeedFullError
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            return []
        finally:
            self._waiters.discard(waiter)
        return self.since(cursor)

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber`` with every new message. Raises FeedFullError past the bound."""
        if self.full:
            raise FeedFullError
        self._subscribers.add(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    def close_subscribers(self) -> None:
        """Close every WebSocket (1001: going away), e.g. on shutdown."""
        for subscriber in list(self._subscribers):
            subscriber.close(1001, "server shutting down")
