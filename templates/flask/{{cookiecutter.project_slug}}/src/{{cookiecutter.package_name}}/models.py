"""The models behind the JSON API. Change one, then ``flask --app {{ cookiecutter.package_name }} db migrate``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .database import Base

MAX_TEXT_LENGTH = 500
MAX_TAG_LENGTH = 30


def utc_now() -> datetime:
    return datetime.now(UTC)


class Note(Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(MAX_TEXT_LENGTH))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    tags: Mapped[list[Tag]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="Tag.position"
    )

    def to_dict(self) -> dict[str, Any]:
        # SQLite hands back naive datetimes: every stored time is UTC.
        created = self.created.replace(tzinfo=UTC) if self.created.tzinfo is None else self.created
        return {
            "id": self.id,
            "text": self.text,
            "tags": [tag.name for tag in self.tags],
            "created": created.isoformat(timespec="seconds"),
        }


class Tag(Base):
    __tablename__ = "tag"

    note_id: Mapped[int] = mapped_column(
        ForeignKey("note.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_TAG_LENGTH), index=True)
    note: Mapped[Note] = relationship(back_populates="tags")
