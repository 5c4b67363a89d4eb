"""The message feed over real HTTP and WebSocket connections on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from unittest import mock

from tornado.httpclient import HTTPClientError
from tornado.iostream import IOStream
from tornado.tcpclient import TCPClient
from tornado.testing import gen_test
from tornado.websocket import WebSocketClientConnection, websocket_connect

from {{ cookiecutter.package_name }}.handlers.messages import FeedSocketHandler

from .support import AppTestCase, wait_until


class FeedTestCase(AppTestCase):
    async def post(self, text: str) -> dict[str, Any]:
        response = await self.http_client.fetch(
            self.get_url("/api/messages"),
            method="POST",
            body=json.dumps({"text": text}),
            headers={"Content-Type": "application/json"},
        )
        assert response.code == 201
        return json.loads(response.body)["message"]

    async def open_long_poll(self, cursor: int = 0) -> IOStream:
        """A raw connection waiting in a long poll, so the test decides when it goes away."""
        stream = await TCPClient().connect("127.0.0.1", self.get_http_port())
        request = f"GET /api/messages/updates?cursor={cursor} HTTP/1.1\r\nHost: test\r\n\r\n"
        await stream.write(request.encode())
        return stream

    async def open_socket(self, cursor: int = 0) -> WebSocketClientConnection:
        url = self.get_url(f"/api/messages/socket?cursor={cursor}").replace("http", "ws", 1)
        return await websocket_connect(url)


class MessagesTest(FeedTestCase):
    def test_post_then_read_since_cursor(self) -> None:
        ids = []
        for text in ("one", "two", "three"):
            response, body = self.post_json("/api/messages", {"text": f"  {text} "})
            assert response.code == 201
            ids.append(body["message"]["id"])
        _, body = self.get_json(f"/api/messages?cursor={ids[0]}")
        assert [message["text"] for message in body["messages"]] == ["two", "three"]
        assert body["cursor"] == ids[2]

    def test_a_posted_message_is_at_its_location(self) -> None:
        response, body = self.post_json("/api/messages", {"text": "kept"})
        location = response.headers["Location"]
        assert location == f"/api/messages/{body['message']['id']}"
        response, stored = self.get_json(location)
        assert response.code == 200
        assert stored == body["message"]

    def test_an_unknown_message_is_a_json_404(self) -> None:
        response, body = self.get_json("/api/messages/999999")
        assert response.code == 404
        assert body["error"] == "no message 999999"

    def test_invalid_messages_are_422(self) -> None:
        for payload in ({}, {"text": "   "}, {"text": " \n\t "}, {"text": 5}, {"text": "x" * 1001}):
            response, body = self.post_json("/api/messages", payload)
            assert response.code == 422, payload
            assert "text" in body["error"]

    def test_deeply_nested_json_is_400(self) -> None:
        response, body = self.post_json("/api/messages", "[" * 200_000)
        assert response.code == 400
        assert body["error"].endswith("nested too deeply")

    def test_bad_cursor_is_400(self) -> None:
        for cursor in ("abc", "-1"):
            response, body = self.get_json(f"/api/messages/updates?cursor={cursor}")
            assert response.code == 400
            assert body["error"].startswith("cursor must be an integer")

    def test_updates_answer_at_once_when_messages_are_waiting(self) -> None:
        self.post_json("/api/messages", {"text": "already here"})
        response, body = self.get_json("/api/messages/updates?cursor=0")
        assert [message["text"] for message in body["messages"]] == ["already here"]
        assert self.app.feed.waiting == 0

    @gen_test
    async def test_post_wakes_every_waiter(self) -> None:
        polls = [
            self.http_client.fetch(self.get_url("/api/messages/updates?cursor=0")) for _ in range(3)
        ]
        await wait_until(lambda: self.app.feed.waiting == 3)
        posted = await self.post("wake up")
        responses = await asyncio.wait_for(asyncio.gather(*polls), timeout=2)
        for response in responses:
            assert json.loads(response.body) == {"messages": [posted], "cursor": posted["id"]}
        assert self.app.feed.waiting == 0

    @gen_test
    async def test_disconnected_waiters_are_dropped(self) -> None:
        streams = [await self.open_long_poll() for _ in range(5)]
        await wait_until(lambda: self.app.feed.waiting == 5)
        for stream in streams:
            stream.close()
        await wait_until(lambda: self.app.feed.waiting == 0)
        response = await self.http_client.fetch(self.get_url("/api/feed"))
        assert json.loads(response.body)["waiting"] == 0

    @gen_test
    async def test_websocket_gets_backlog_new_messages_and_posts(self) -> None:
        first = await self.post("before")
        socket = await self.open_socket(cursor=0)
        assert json.loads(await socket.read_message()) == {"message": first}
        await wait_until(lambda: self.app.feed.subscribed == 1)

        second = await self.post("over http")
        assert json.loads(await socket.read_message()) == {"message": second}

        await socket.write_message(json.dumps({"text": "over the socket"}))
        pushed = json.loads(await socket.read_message())["message"]
        assert pushed["text"] == "over the socket"
        assert self.app.feed.last_id == pushed["id"]

        await socket.write_message("not json")
        error = json.loads(await socket.read_message())["error"]
        assert error.startswith("the message is not valid JSON")
        await socket.write_message("[" * 200_000)
        error = json.loads(await socket.read_message())["error"]
        assert error.endswith("nested too deeply")
        await socket.write_message(json.dumps({"text": ""}))
        assert "text" in json.loads(await socket.read_message())["error"]

        socket.close()
        await wait_until(lambda: self.app.feed.subscribed == 0)


class HistoryPagesTest(FeedTestCase):
    option_values = {"history": 5}

    def test_a_cursor_past_the_history_pages_through_without_replay(self) -> None:
        """history is 5 here: 12 messages come in three pages, each exactly once."""
        for number in range(12):
            self.post_json("/api/messages", {"text": f"m{number}"})
        seen: list[str] = []
        cursor = 0
        for _ in range(4):
            _, body = self.get_json(f"/api/messages/updates?cursor={cursor}")
            seen += [message["text"] for message in body["messages"]]
            cursor = body["cursor"]
            if len(seen) == 12:
                break
        assert seen == [f"m{number}" for number in range(12)]
        _, body = self.get_json(f"/api/messages?cursor={cursor}")
        assert body == {"messages": [], "cursor": cursor}


class ShortPollTest(FeedTestCase):
    option_values = {"poll_timeout": 0.05}  # each test waits for it once

    def test_poll_times_out_with_no_messages(self) -> None:
        response, body = self.get_json("/api/messages/updates?cursor=0")
        assert response.code == 200
        assert body == {"messages": [], "cursor": 0}
        assert self.app.feed.waiting == 0

    def test_a_cursor_ahead_of_the_feed_is_kept_not_reset(self) -> None:
        """E.g. a cursor another worker gave: no replay of old messages, the cursor is kept."""
        _, posted = self.post_json("/api/messages", {"text": "old"})
        ahead = posted["message"]["id"] + 5
        _, body = self.get_json(f"/api/messages/updates?cursor={ahead}")
        assert body == {"messages": [], "cursor": ahead}


class ShutdownTest(FeedTestCase):
    @gen_test
    async def test_closing_the_feed_answers_long_polls_and_closes_sockets(self) -> None:
        poll = self.http_client.fetch(self.get_url("/api/messages/updates?cursor=0"))
        socket = await self.open_socket()
        await wait_until(lambda: self.app.feed.waiting == 1 and self.app.feed.subscribed == 1)
        self.app.feed.close()
        response = await asyncio.wait_for(poll, timeout=2)
        assert json.loads(response.body) == {"messages": [], "cursor": 0}
        assert await socket.read_message() is None
        assert socket.close_code == 1001


class SlowReaderTest(FeedTestCase):
    @gen_test
    async def test_a_socket_that_does_not_read_holds_one_message_not_all(self) -> None:
        stuck: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        writes: list[Any] = []

        def write_that_never_completes(self: Any, message: Any, binary: bool = False) -> Any:
            writes.append(message)
            return stuck

        with mock.patch.object(FeedSocketHandler, "write_message", write_that_never_completes):
            socket = await self.open_socket()
            await wait_until(lambda: self.app.feed.subscribed == 1)
            for number in range(5):
                await self.post(f"m{number}")
            await wait_until(lambda: len(writes) == 1)
            await asyncio.sleep(0.2)
            # The sender waits for each write: the other 4 stay in the database.
            assert len(writes) == 1
            socket.close()
            await wait_until(lambda: self.app.feed.subscribed == 0)


class BoundedFeedTest(FeedTestCase):
    option_values = {"max_waiters": 2}

    @gen_test
    async def test_waiters_past_the_bound_get_503(self) -> None:
        streams = [await self.open_long_poll(), await self.open_long_poll()]
        await wait_until(lambda: self.app.feed.waiting == 2)

        response = await self.http_client.fetch(
            self.get_url("/api/messages/updates"), raise_error=False
        )
        assert response.code == 503
        assert response.headers["Retry-After"] == "5"
        assert "limit 2" in json.loads(response.body)["error"]

        try:
            await self.open_socket()
        except HTTPClientError as error:
            assert error.code == 503
        else:
            raise AssertionError("the WebSocket was accepted past the bound")

        for stream in streams:
            stream.close()
        await wait_until(lambda: self.app.feed.waiting == 0)
        socket = await self.open_socket()  # room again
        await wait_until(lambda: self.app.feed.subscribed == 1)
        socket.close()
