"""The MessageFeed on its own: cursors, history, bounds."""

from __future__ import annotations

import asyncio

import pytest

from {{ cookiecutter.package_name }}.feed import FeedFullError, Message, MessageFeed


class Recorder:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.closed: tuple[int | None, str | None] | None = None

    def push(self, message: Message) -> None:
        self.messages.append(message)

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        self.closed = (code, reason)


def test_history_keeps_the_newest_messages() -> None:
    feed = MessageFeed(history=2, max_waiters=1)
    for text in "abc":
        feed.post(text)
    assert [message.text for message in feed.since(0)] == ["b", "c"]
    assert feed.since(3) == []


def test_cursor_from_the_future_means_start_over() -> None:
    feed = MessageFeed(history=10, max_waiters=1)
    feed.post("a")
    assert [message.id for message in feed.since(99)] == [1]


def test_subscribers_get_messages_until_unsubscribed() -> None:
    feed = MessageFeed(history=10, max_waiters=1)
    recorder = Recorder()
    feed.subscribe(recorder)
    with pytest.raises(FeedFullError):
        feed.subscribe(Recorder())
    feed.post("a")
    feed.unsubscribe(recorder)
    feed.post("b")
    assert [message.text for message in recorder.messages] == ["a"]


def test_close_subscribers_says_going_away() -> None:
    feed = MessageFeed(history=10, max_waiters=2)
    recorder = Recorder()
    feed.subscribe(recorder)
    feed.close_subscribers()
    assert recorder.closed == (1001, "server shutting down")


def test_cancelled_wait_leaves_no_waiter() -> None:
    async def scenario() -> None:
        feed = MessageFeed(history=10, max_waiters=1)
        task = asyncio.ensure_future(feed.wait_for_messages(0, timeout=10))
        await asyncio.sleep(0)
        assert feed.waiting == 1
        with pytest.raises(FeedFullError):
            await feed.wait_for_messages(0, timeout=10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert feed.waiting == 0

    asyncio.run(scenario())
