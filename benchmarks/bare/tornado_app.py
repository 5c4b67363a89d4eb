"""Bare Tornado: /health, and one message read by id with SQLAlchemy's asyncio ORM (the
starter's table and drivers: aiosqlite, psycopg 3); one HTTPServer in one process, stopped by
SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
from datetime import UTC, datetime

import tornado.web
from data import database_url, sqlalchemy_url
from sqlalchemy import DateTime, String
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from tornado.httpserver import HTTPServer


class Base(DeclarativeBase):
    pass


class Message(Base):
    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HealthHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write({"status": "ok"})


class MessageHandler(tornado.web.RequestHandler):
    def initialize(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def get(self, message_id: str) -> None:
        async with AsyncSession(self.engine) as session:
            message = await session.get(Message, int(message_id))
        if message is None:
            raise tornado.web.HTTPError(404)
        created = message.created if message.created.tzinfo else message.created.replace(tzinfo=UTC)
        self.write({"id": message.id, "text": message.text, "created": created.timestamp()})


async def serve(port: int) -> None:
    engine = create_async_engine(sqlalchemy_url(database_url(), asynchronous=True))
    app = tornado.web.Application(
        [
            ("/health", HealthHandler),
            (r"/api/messages/([0-9]{1,18})", MessageHandler, {"engine": engine}),
        ]
    )
    server = HTTPServer(app)
    server.listen(port, "127.0.0.1")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.stop()
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
