"""The message feed: stored in the database, followed by long polls and WebSockets.

Each process keeps a follower task that reads new messages from the database whenever the broker
says something was posted (and every few seconds in case an event was lost), caches the newest
``history`` of them, and wakes its waiting clients through a ``tornado.locks.Condition``. Clients
ask for the messages after a cursor, the database id of the last one they saw, so they get each
message once and in order whichever worker they reach.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError
from tornado.ioloop import IOLoop
from tornado.locks import Condition

from .broker import Broker
from .models import Message
from .store import MessageStore

log = logging.getLogger(__name__)
# A lost broker event delays delivery by at most this long.
CATCH_UP_SECONDS = 5.0


class FeedFullError(Exception):
    """Too many clients are already following the feed in this process."""


class Feed:
    def __init__(self, store: MessageStore, broker: Broker, history: int, max_waiters: int) -> None:
        self.store = store
        self.broker = broker
        self.history = history
        self.max_waiters = max_waiters
        self.waiting = 0  # long polls waiting now
        self.subscribed = 0  # WebSockets open now
        self.closing = False
        self.last_id = 0  # newest id this process has read
        self.floor = 0  # the cache holds every message with floor < id <= last_id
        self.recent: list[Message] = []
        self.changed = asyncio.Event()
        self.condition = Condition()
        self.follower: asyncio.Task[None] | None = None

    @property
    def full(self) -> bool:
        return self.waiting + self.subscribed >= self.max_waiters

    async def start(self) -> None:
        self.last_id = self.floor = await self.store.last_id()
        self.follower = asyncio.create_task(self.follow())
        await self.broker.start(self.changed.set)

    async def follow(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), CATCH_UP_SECONDS)
            self.changed.clear()
            try:
                await self.read_new()
            except (DBAPIError, OSError) as error:
                log.warning("cannot read new messages: %s", error)

    async def read_new(self) -> None:
        while new := await self.store.since(self.last_id, self.history):
            cached = self.recent + new
            self.recent = cached[-self.history :]
            if len(cached) > self.history:
                self.floor = self.recent[0].id - 1
            self.last_id = new[-1].id
            self.condition.notify_all()
            if len(new) < self.history:
                break

    async def post(self, text: str) -> Message:
        message = await self.store.add(text)
        self.changed.set()  # this process need not wait for the broker's round trip
        await self.broker.publish(message.id)
        return message

    async def since(self, cursor: int) -> list[Message]:
        """Up to ``history`` messages newer than ``cursor``: from the cache when it covers the
        cursor, else from the database (an old cursor, or one another worker gave)."""
        if self.floor <= cursor <= self.last_id:
            start = bisect.bisect_right(self.recent, cursor, key=lambda message: message.id)
            return self.recent[start : start + self.history]
        return await self.store.since(cursor, self.history)

    async def wait(self, cursor: int, timeout: float | None) -> list[Message]:
        """Messages newer than ``cursor``, waiting up to ``timeout`` seconds (None: until the
        feed closes) for the first; an empty list on timeout or shutdown."""
        messages = await self.since(cursor)
        deadline = None if timeout is None else IOLoop.current().time() + timeout
        while not messages and not self.closing:
            if not await self.condition.wait(deadline):
                return []
            if self.last_id > cursor:
                messages = await self.since(cursor)
        return messages

    @contextlib.contextmanager
    def long_poll(self) -> Iterator[None]:
        if self.full:
            raise FeedFullError
        self.waiting += 1
        try:
            yield
        finally:
            self.waiting -= 1

    def subscribe(self) -> None:
        if self.full:
            raise FeedFullError
        self.subscribed += 1

    def unsubscribe(self) -> None:
        self.subscribed -= 1

    def close(self) -> None:
        """Shutting down: waiting long polls answer with nothing, WebSockets close."""
        self.closing = True
        self.condition.notify_all()

    async def stop(self) -> None:
        self.close()
        if self.follower is not None:
            self.follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.follower
        await self.broker.close()
        await self.store.close()
