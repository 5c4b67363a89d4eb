"""The console script: serve (the default), migrate, messages; and how serve() runs servers."""

from __future__ import annotations

import errno
import runpy
import signal
import socketserver
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bottle
import pytest

from {{ cookiecutter.package_name }} import database, server, settings
from {{ cookiecutter.package_name }}.__main__ import main


class FakeRun:
    """Stands in for bottle.run(): records how it was called."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, dict[str, Any]]] = []

    def __call__(self, app: Any = None, **options: Any) -> None:
        self.calls.append((app, options))


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRun]:
    fake = FakeRun()
    monkeypatch.setattr(bottle, "run", fake)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield fake
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def configure(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(settings.env_var(name), value)


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, database_path: Path) -> Path:
    """Production settings on the test's migrated database."""
    configure(
        monkeypatch,
        ENV="production",
        SECRET_KEY="s" * 24,
        DATABASE_URL=f"sqlite:///{database_path}",
    )
    return database_path


def one_line_exit(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    return line


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str], fake_run: FakeRun) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("serve", "migrate", "messages"))
    assert fake_run.calls == []


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus"],
        ["serve", "extra"],
        ["deploy"],
        ["messages", "--limit", "-1"],
        ["messages", "--limit", "x"],
    ],
)
def test_unknown_arguments_are_a_usage_error(
    capsys: pytest.CaptureFixture[str], fake_run: FakeRun, argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err
    assert fake_run.calls == []


@pytest.mark.parametrize("argv", [[], ["serve"]])
def test_production_serves_with_waitress_by_default(
    fake_run: FakeRun, production: Path, argv: list[str]
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a shell's background job
    main(argv)
    [(app, options)] = fake_run.calls
    assert isinstance(app, bottle.Bottle)
    body_limit = 1024 * 1024 + 16 * 1024
    assert options == {
        "server": "waitress",
        "host": "127.0.0.1",
        "port": 8000,
        "reloader": False,
        "interval": server.RELOAD_INTERVAL_SECONDS,
        "threads": 4,
        "max_request_header_size": server.MAX_HEADER_BYTES,
        "max_request_body_size": server.SERVER_BODY_FACTOR * body_limit,
    }
    # Both become the KeyboardInterrupt that every adapter already stops on.
    assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_gunicorn_forks_the_configured_workers_with_threads(
    fake_run: FakeRun, production: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, SERVER="gunicorn", WORKERS="3", THREADS="6")
    main([])
    [(_, options)] = fake_run.calls
    assert options["server"] == "gunicorn"
    assert options["workers"] == 3
    assert (options["worker_class"], options["threads"]) == ("gthread", 6)
    assert options["graceful_timeout"] < 5
    assert options["control_socket_disable"] is True


def test_cheroot_gets_its_thread_count(
    fake_run: FakeRun, production: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, SERVER="cheroot", THREADS="7")
    monkeypatch.setattr(server, "require_server", lambda name: name)
    main([])
    [(_, options)] = fake_run.calls
    assert (options["server"], options["numthreads"]) == ("cheroot", 7)


def test_a_missing_server_adapter_is_one_clear_line(
    fake_run: FakeRun,
    production: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(monkeypatch, SERVER="cheroot")
    monkeypatch.setitem(sys.modules, "cheroot", None)  # makes it look uninstalled
    line = one_line_exit(capsys)
    assert settings.env_var("SERVER") in line
    assert f"pip install '{server.DISTRIBUTION}[cheroot]'" in line
    assert fake_run.calls == []


def test_a_port_in_use_is_one_line(
    fake_run: FakeRun,
    production: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def taken(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EADDRINUSE, "Address already in use")

    monkeypatch.setattr(bottle, "run", taken)
    line = one_line_exit(capsys)
    assert line == (
        f"error: {settings.env_var('PORT')}: cannot listen on 127.0.0.1:8000 "
        "(Address already in use)"
    )


def test_other_os_errors_are_not_hidden(
    fake_run: FakeRun, production: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(bottle, "run", broken)
    with pytest.raises(OSError, match="Input/output error"):
        main([])


def test_production_refuses_pending_migrations_until_migrate(
    fake_run: FakeRun,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh" / "production.sqlite3"
    configure(monkeypatch, ENV="production", SECRET_KEY="s" * 24, DATABASE_URL=f"sqlite:///{path}")
    line = one_line_exit(capsys)
    assert f"pending migration(s): run `{settings.MIGRATE_COMMAND}` first" in line
    assert fake_run.calls == []

    main(["migrate"])
    out = capsys.readouterr().out
    assert f"applied {database.migrations()[0].name}" in out and str(path) in out
    main(["migrate"])
    assert capsys.readouterr().out.startswith("no pending migrations")
    main([])
    assert len(fake_run.calls) == 1


@pytest.mark.parametrize(("environment", "reloader"), [("development", True), ("testing", False)])
def test_outside_production_pending_migrations_apply_at_start(
    fake_run: FakeRun,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    environment: str,
    reloader: bool,
) -> None:
    path = tmp_path / f"{environment}.sqlite3"
    configure(monkeypatch, ENV=environment, DATABASE_URL=f"sqlite:///{path}")
    monkeypatch.setenv("BOTTLE_CHILD", "true")  # the reloader's child, which serves
    main([])
    assert database.pending(path) == 0
    [(app, options)] = fake_run.calls
    assert app.config["app.env"] == environment
    assert (options["server"], options["reloader"]) == ("wsgiref", reloader)


def test_the_development_server_polls_as_often_as_the_reloader_looks(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The reloader stops its child with a simulated Ctrl-C, seen only between two polls."""
    configure(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path}/d.db", RELOAD_INTERVAL="0.2")
    monkeypatch.setenv("BOTTLE_CHILD", "true")
    main([])
    [(_, options)] = fake_run.calls
    assert options["interval"] == 0.2
    polls: list[float] = []
    monkeypatch.setattr(
        socketserver.BaseServer, "serve_forever", lambda _, poll: polls.append(poll)
    )
    with options["server_class"](("127.0.0.1", 0), socketserver.BaseRequestHandler) as wsgiref:
        wsgiref.serve_forever()
    assert polls == [0.2]


def test_the_development_reloader_parent_only_supervises(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    configure(monkeypatch, ENV="development", DATABASE_URL=f"sqlite:///{tmp_path}/dev.sqlite3")
    main([])
    assert fake_run.calls == [(None, {"reloader": True, "interval": 0.5})]
    assert not (tmp_path / "dev.sqlite3").exists()  # the child migrates, not the parent


class FailingRun(FakeRun):
    """The reloader parent's bottle.run(): it exits with each status in turn."""

    def __init__(self, *statuses: int | None) -> None:
        super().__init__()
        self.statuses = list(statuses)

    def __call__(self, app: Any = None, **options: Any) -> None:
        super().__call__(app, **options)
        self.argv = list(sys.argv)
        status = self.statuses.pop(0)
        if status is not None:
            raise SystemExit(status)


def test_after_a_failed_start_the_supervisor_waits_for_a_change(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake_run: FakeRun
) -> None:
    """A syntax error saved in a module: the child fails to start, the reloader gives up."""
    run = FailingRun(1, None)
    monkeypatch.setattr(bottle, "run", run)
    snapshots = iter([{"app.py": 1.0}, {"app.py": 1.0}, {"app.py": 1.0}, {"app.py": 2.0}])
    monkeypatch.setattr(server, "source_files", lambda: next(snapshots))
    naps: list[float] = []
    monkeypatch.setattr(server.time, "sleep", naps.append)
    argv = list(sys.argv)
    server.supervise(interval=0.5)
    assert len(run.calls) == 2  # started again once the file changed
    # What Bottle appends to the child's command line: the command, never a path.
    assert run.argv[-1] == "serve" and sys.argv == argv
    assert naps == [0.5, 0.5]
    assert "it starts again when a file in" in capsys.readouterr().err


def test_ctrl_c_stops_the_waiting_supervisor(
    monkeypatch: pytest.MonkeyPatch, fake_run: FakeRun
) -> None:
    monkeypatch.setattr(bottle, "run", FailingRun(1))

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(server.time, "sleep", interrupted)
    server.supervise()  # returns: exit status 0


def test_a_clean_child_exit_ends_the_supervisor(
    monkeypatch: pytest.MonkeyPatch, fake_run: FakeRun
) -> None:
    run = FailingRun(0)
    monkeypatch.setattr(bottle, "run", run)
    server.supervise()
    assert len(run.calls) == 1


def test_the_supervisor_watches_the_package_sources() -> None:
    files = server.source_files()
    assert any(path.name == "app.py" for path in files)
    assert any(path.suffix == ".sql" for path in files)


def test_without_a_production_secret_one_line(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(monkeypatch, ENV="production")
    assert settings.env_var("SECRET_KEY") in one_line_exit(capsys)
    assert fake_run.calls == []


def test_a_bad_environment_is_one_line(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(monkeypatch, ENV="staging")
    assert settings.env_var("ENV") in one_line_exit(capsys, "migrate")


def test_a_database_that_cannot_be_created_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("not a folder")
    configure(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path}/file/app.sqlite3")
    line = one_line_exit(capsys, "migrate")
    assert line.startswith(f"error: {settings.env_var('DATABASE_URL')}: cannot migrate")


def test_messages_need_the_migrations(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert settings.MIGRATE_COMMAND in one_line_exit(capsys, "messages")


def test_messages_on_an_empty_database(
    production: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["messages", "--limit", "5"])
    assert capsys.readouterr().out == "no contact messages\n"


# Running the already imported __main__ module again is what this test is about.
@pytest.mark.filterwarnings("ignore:.*found in sys.modules:RuntimeWarning")
def test_python_dash_m_runs_main(
    fake_run: FakeRun, production: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["python -m"])
    runpy.run_module(settings.__package__, run_name="__main__", alter_sys=False)
    assert len(fake_run.calls) == 1
