"""The feed's messages in the database: the one copy every worker and every restart reads."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from .models import Message

# Held while a message is inserted on PostgreSQL, so ids are committed in increasing order: a
# reader that has seen id N never misses a smaller id committed later. (SQLite has one writer.)
POST_LOCK_KEY = 7_384_216


class MessageStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.serialize_posts = engine.dialect.name == "postgresql"

    async def add(self, body: str) -> Message:
        async with self.sessions.begin() as session:
            if self.serialize_posts:
                await session.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": POST_LOCK_KEY}
                )
            message = Message(text=body)
            session.add(message)
        return message

    async def get(self, message_id: int) -> Message | None:
        async with self.sessions() as session:
            return await session.get(Message, message_id)

    async def since(self, cursor: int, limit: int) -> list[Message]:
        """Up to ``limit`` messages newer than ``cursor``, oldest first."""
        query = select(Message).where(Message.id > cursor).order_by(Message.id).limit(limit)
        async with self.sessions() as session:
            return list((await session.scalars(query)).all())

    async def last_id(self) -> int:
        async with self.sessions() as session:
            return await session.scalar(select(func.max(Message.id))) or 0

    async def close(self) -> None:
        await self.engine.dispose()
