"""Bare Flask: /health, and one note read by id with SQLAlchemy's ORM from the starter's tables.

Served by gunicorn (see benchmarks/frameworks.py). The note is read as the starter reads it (the
row, then its tags in order) with a plain SQLAlchemy session per request and the same driver.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from data import database_url, sqlalchemy_url
from flask import Flask, abort
from sqlalchemy import DateTime, ForeignKey, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

app = Flask(__name__)
engine = create_engine(sqlalchemy_url(database_url()))


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tags: Mapped[list[Tag]] = relationship(order_by="Tag.position")


class Tag(Base):
    __tablename__ = "tag"

    note_id: Mapped[int] = mapped_column(ForeignKey("note.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/notes/<int:note_id>")
def get_note(note_id: int) -> dict[str, Any]:
    with Session(engine) as session:
        note = session.get(Note, note_id)
        if note is None:
            abort(404)
        created = note.created if note.created.tzinfo else note.created.replace(tzinfo=UTC)
        return {
            "id": note.id,
            "text": note.text,
            "tags": [tag.name for tag in note.tags],
            "created": created.isoformat(timespec="seconds"),
        }
