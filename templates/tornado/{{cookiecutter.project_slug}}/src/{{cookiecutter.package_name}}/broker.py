"""How a post made on one worker wakes the feed of every worker.

A broker carries only "something new was stored": each worker then reads the new messages from the
database, in id order, so a lost or reordered event never loses or reorders a message.
``LocalBroker`` is for one process; ``RedisBroker`` uses Redis pub/sub (redis-py's asyncio client)
for several workers or hosts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as redis
from redis.exceptions import RedisError

from .settings import ConfigError, env_var

log = logging.getLogger(__name__)
CHANNEL = "{{ cookiecutter.package_name }}:feed"
CONNECT_TIMEOUT = 5.0
# Reconnecting: first after 0.1 s (a dropped connection to a live Redis comes back at once),
# then twice as long each time a try fails, up to 10 s.
FIRST_RETRY = 0.1
MAX_BACKOFF = 10.0


class Broker(Protocol):
    async def start(self, notify: Callable[[], None]) -> None: ...

    async def publish(self, message_id: int) -> None: ...

    async def close(self) -> None: ...


class LocalBroker:
    """One process: a post wakes the feed directly."""

    def __init__(self) -> None:
        self.notify: Callable[[], None] = lambda: None

    async def start(self, notify: Callable[[], None]) -> None:
        self.notify = notify

    async def publish(self, message_id: int) -> None:
        self.notify()

    async def close(self) -> None:
        pass


class RedisBroker:
    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        self.client = redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT)
        self.channel = channel
        self.listener: asyncio.Task[None] | None = None
        self.subscribed = asyncio.Event()

    async def start(self, notify: Callable[[], None]) -> None:
        """Listen in the background; returns once subscribed (or after a first failure)."""
        self.listener = asyncio.create_task(self.listen(notify))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.subscribed.wait(), CONNECT_TIMEOUT)

    async def listen(self, notify: Callable[[], None]) -> None:
        """Follow the channel, reconnecting with backoff: Redis may restart under us."""
        backoff = FIRST_RETRY
        while True:
            try:
                async with self.client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    self.subscribed.set()
                    backoff = FIRST_RETRY
                    notify()  # catch up on whatever was posted while we were not listening
                    async for _ in pubsub.listen():
                        notify()
            except (RedisError, OSError) as error:
                log.warning("redis: %s; reconnecting in %.1f s", error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def publish(self, message_id: int) -> None:
        try:
            await self.client.publish(self.channel, message_id)
        except (RedisError, OSError) as error:
            # Stored all the same: the other workers find it at their next periodic check.
            log.warning("redis: cannot publish message %d: %s", message_id, error)

    async def close(self) -> None:
        if self.listener is not None:
            self.listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.listener
        await self.client.aclose()


async def check_redis(url: str) -> None:
    """One line and a refusal to start when Redis does not answer."""
    client = redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        reason = (str(error).strip().splitlines() or ["no answer"])[0]
        raise ConfigError(f"{env_var('REDIS_URL')}: cannot reach Redis ({reason})") from None
    finally:
        await client.aclose()
