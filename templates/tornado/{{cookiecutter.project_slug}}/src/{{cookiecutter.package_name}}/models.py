"""The database tables, as SQLAlchemy 2 declarative models. Alembic's autogenerate compares them
with the migrations under ``migrations/versions``: a change here needs a new migration."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

MAX_TEXT_LENGTH = 1000


class Base(DeclarativeBase):
    pass


class Message(Base):
    """A message of the feed. Its id is the clients' cursor, the same on every worker."""

    __tablename__ = "message"
    # SQLite's AUTOINCREMENT never reuses an id, even the last one after a delete: a cursor
    # never points at a message the client has not seen.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(MAX_TEXT_LENGTH))
    created: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: datetime.now(UTC)
    )

    def as_json(self) -> dict[str, object]:
        # SQLite keeps no time zone: its datetimes come back naive, and were written in UTC.
        created = self.created if self.created.tzinfo else self.created.replace(tzinfo=UTC)
        return {"id": self.id, "text": self.text, "created": created.timestamp()}
