"""The Feed on its own: the cache of recent messages, waiting, closing."""

from __future__ import annotations

import asyncio
import os

import pytest

from {{ cookiecutter.package_name }} import database, settings
from {{ cookiecutter.package_name }}.broker import LocalBroker, RedisBroker, check_redis
from {{ cookiecutter.package_name }}.feed import Feed
from {{ cookiecutter.package_name }}.settings import ConfigError
from {{ cookiecutter.package_name }}.store import MessageStore

pytestmark = pytest.mark.usefixtures("database_url")


def make_feed(history: int = 3) -> Feed:
    url = settings.check_database_url(os.environ[settings.env_var("DATABASE_URL")])
    store = MessageStore(database.create_engine(url))
    return Feed(store, LocalBroker(), history=history, max_waiters=10)


def test_the_cache_keeps_the_newest_and_old_cursors_read_the_database() -> None:
    async def scenario() -> None:
        feed = make_feed(history=3)
        await feed.start()
        try:
            posted = [await feed.post(f"m{number}") for number in range(5)]
            for _ in range(500):  # the follower reads them in the background
                if feed.last_id == posted[-1].id:
                    break
                await asyncio.sleep(0.01)
            assert [message.text for message in feed.recent] == ["m2", "m3", "m4"]
            assert feed.floor == posted[2].id - 1
            # From the cache, and from the database for a cursor older than the cache.
            assert [m.text for m in await feed.since(posted[3].id)] == ["m4"]
            assert [m.text for m in await feed.since(0)] == ["m0", "m1", "m2"]
        finally:
            await feed.stop()

    asyncio.run(scenario())


def test_a_waiter_wakes_on_a_post_and_on_close() -> None:
    async def scenario() -> None:
        feed = make_feed()
        await feed.start()
        try:
            waiter = asyncio.ensure_future(feed.wait(feed.last_id, None))
            await asyncio.sleep(0.05)
            message = await feed.post("hello")
            assert [m.id for m in await asyncio.wait_for(waiter, 5)] == [message.id]
            closed = asyncio.ensure_future(feed.wait(message.id, None))
            await asyncio.sleep(0.05)
            feed.close()
            assert await asyncio.wait_for(closed, 5) == []
        finally:
            await feed.stop()

    asyncio.run(scenario())


def test_redis_carries_posts_between_feeds_and_survives_a_lost_connection(
    redis_url: str,
) -> None:
    """Two feeds on one database, as two workers: a post on one wakes the other through Redis."""

    async def scenario() -> None:
        url = settings.check_database_url(os.environ[settings.env_var("DATABASE_URL")])
        feeds = [
            Feed(MessageStore(database.create_engine(url)), RedisBroker(redis_url), 5, 10)
            for _ in range(2)
        ]
        for feed in feeds:
            await feed.start()
        try:
            waiter = asyncio.ensure_future(feeds[1].wait(feeds[1].last_id, 10))
            await asyncio.sleep(0.05)
            posted = await feeds[0].post("across")
            assert [m.id for m in await asyncio.wait_for(waiter, 5)] == [posted.id]
            # Cut the listener's connection: it reconnects and catches up.
            await feeds[1].broker.client.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
            again = await feeds[0].post("after reconnect")
            messages = await asyncio.wait_for(feeds[1].wait(posted.id, 10), 10)
            assert [m.id for m in messages] == [again.id]
        finally:
            for feed in feeds:
                await feed.stop()

    asyncio.run(scenario())


def test_redis_down_is_one_line_at_start_and_a_warning_on_post(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with pytest.raises(ConfigError, match=settings.env_var("REDIS_URL")) as caught:
        asyncio.run(check_redis("redis://127.0.0.1:1/0"))
    assert "\n" not in str(caught.value)

    async def publish() -> None:
        broker = RedisBroker("redis://127.0.0.1:1/0")
        await broker.publish(1)
        await broker.close()

    asyncio.run(publish())
    assert "cannot publish message 1" in caplog.text
