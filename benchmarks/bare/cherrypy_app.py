"""Bare CherryPy: /health, and one item read by id with a SQLAlchemy session per request (the
starter's table and drivers), served by cheroot through the CherryPy engine.

Server settings as the starter's ``config/common.conf``: a listen backlog of 1024 (cheroot's
default of 5 drops connections under 32 concurrent clients) and 10 worker threads.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

import cherrypy
from data import database_url, sqlalchemy_url
from sqlalchemy import DateTime, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

engine = create_engine(sqlalchemy_url(database_url()))


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String)
    done: Mapped[bool] = mapped_column()
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Api:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def items(self, item_id: str) -> dict[str, Any]:
        with Session(engine) as session:
            item = session.get(Item, int(item_id))
            if item is None:
                raise cherrypy.NotFound()
            return {"id": item.id, "title": item.title, "done": item.done}


class Root:
    api = Api()

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def health(self) -> dict[str, str]:
        return {"status": "ok"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    cherrypy.config.update(
        {
            "environment": "production",
            "server.socket_host": "127.0.0.1",
            "server.socket_port": args.port,
            "server.socket_queue_size": 1024,
            "server.thread_pool": 10,
        }
    )
    cherrypy.tree.mount(Root(), "")
    # The engine's default handlers: SIGTERM exits, like the starter.
    cherrypy.engine.signals.subscribe()
    cherrypy.engine.start()
    cherrypy.engine.block()


if __name__ == "__main__":
    main()
