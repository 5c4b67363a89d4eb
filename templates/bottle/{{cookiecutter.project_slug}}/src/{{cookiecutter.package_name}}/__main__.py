"""Console script ``{{ cookiecutter.project_slug }}``,
also run by ``python -m {{ cookiecutter.package_name }}``.

``serve`` (the default) runs the server, ``migrate`` applies the database migrations and
``messages`` prints the contact messages, which are never served over HTTP.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from contextlib import closing

from . import database, settings
from .app import create_app
from .server import migrate, serve


def count(text: str) -> int:
    """A whole number from 1 to 1000, for ``--limit``."""
    if not text.isdecimal() or not 1 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 1000, not {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="{{ cookiecutter.project_slug }}",
        description=f"Run the web app. Settings come from {settings.PREFIX}* variables.",
    )
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", help="run the server (the default)")
    commands.add_parser("migrate", help="apply the pending database migrations")
    messages = commands.add_parser("messages", help="print the latest contact messages")
    messages.add_argument("--limit", type=count, default=20, help="how many (default: 20)")
    return main_parser


def print_messages(limit: int) -> None:
    path = create_app().config["app.database_path"]
    if count := database.pending(path):
        raise settings.pending_migrations_error(count)
    with closing(database.connect(path)) as db:
        rows = db.execute(
            "SELECT * FROM contact_message ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    for row in rows:
        print(f"#{row['id']} {row['created_at']} {row['name']} <{row['email']}>")
        print(textwrap.indent(row["message"], "    "))
    if not rows:
        print("no contact messages")


@settings.exit_on_config_error
def main(argv: Sequence[str] | None = None) -> None:
    arguments = parser().parse_args(argv)
    if arguments.command == "migrate":
        path = create_app().config["app.database_path"]
        applied = migrate(path)
        print(f"applied {', '.join(applied)}" if applied else "no pending migrations")
        print(f"the database {path} is up to date")
    elif arguments.command == "messages":
        print_messages(arguments.limit)
    else:
        serve()


if __name__ == "__main__":
    main()
