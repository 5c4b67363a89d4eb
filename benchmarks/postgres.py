"""A PostgreSQL server of the benchmarks' own, started on first use (the tests' helper)."""

from __future__ import annotations

import contextlib
from types import TracebackType

from tests.services import PostgresServer, ServiceError, running_postgres


class Postgres:
    """``database()`` gives a fresh database's URL, or None (and a failure note) when no
    PostgreSQL can start here; the server stops when the ``with`` block ends."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._server: PostgresServer | None = None
        self.failures: list[str] = []

    def __enter__(self) -> Postgres:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()

    def database(self) -> str | None:
        if self._server is None and not self.failures:
            try:
                self._server = self._stack.enter_context(running_postgres())
            except ServiceError as error:
                self.failures.append(f"no PostgreSQL reads: {str(error).splitlines()[0]}")
        return self._server.create_database() if self._server else None
