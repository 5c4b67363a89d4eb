"""Settings layering and checks, serve() and the console script's error handling."""

from __future__ import annotations

import runpy
import signal
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bottle
import pytest

from {{ cookiecutter.package_name }} import app as app_module
from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.__main__ import main
from {{ cookiecutter.package_name }}.app import create_app, parse_extensions


def test_each_environment_reads_its_own_ini_file() -> None:
    testing = create_app("testing", {"SECRET_KEY": "s"}).config
    production = create_app("production", {"SECRET_KEY": "s"}).config
    assert (testing["app.server"], testing["app.https"], testing["app.log_level"]) == (
        "wsgiref",
        False,
        "WARNING",
    )
    assert (production["app.server"], production["app.https"]) == ("waitress", True)
    expected = Path.home() / ".local/share" / app_module.DISTRIBUTION / "uploads"
    assert production["app.upload_dir"] == expected


def test_defaults_fill_in_what_the_ini_file_leaves_out() -> None:
    config = create_app("testing", {"SECRET_KEY": "s"}).config
    assert config["app.port"] == 8000
    assert config["app.host"] == "127.0.0.1"
    assert config["app.max_upload_bytes"] == 1024 * 1024
    assert ".png" in config["app.upload_extensions"]
    assert config["app.env"] == "testing"


def test_environment_variables_override_the_ini_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.env_var("HTTPS"), "no")
    monkeypatch.setenv(settings.env_var("PORT"), "8123")
    monkeypatch.setenv(settings.env_var("MAX_UPLOAD_BYTES"), "2048")
    monkeypatch.setenv(settings.env_var("UPLOAD_EXTENSIONS"), "md, .TXT")
    monkeypatch.setenv(settings.env_var("SERVER"), "Cheroot")
    monkeypatch.setenv(settings.env_var("SECRET_KEY"), "from-the-environment")
    config = create_app("production").config
    assert config["app.https"] is False
    assert config["app.port"] == 8123
    assert config["app.max_upload_bytes"] == 2048
    assert config["app.upload_extensions"] == {".md", ".txt"}
    assert config["app.server"] == "cheroot"
    assert config["app.secret_key"] == "from-the-environment"


def test_the_environment_comes_from_the_prefixed_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.env_var("ENV"), "testing")
    assert create_app().config["app.env"] == "testing"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("HOST", " "),
        ("LOG_LEVEL", "LOUD"),
        ("SERVER", "tornado"),
        ("HTTPS", "maybe"),
        ("MAX_UPLOAD_BYTES", "0"),
        ("MAX_UPLOAD_BYTES", "1MB"),
        ("UPLOAD_EXTENSIONS", ", ,"),
        ("UPLOAD_EXTENSIONS", ".tar/gz"),
        ("UPLOAD_DIR", "  "),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(settings.env_var(name), value)
    with pytest.raises(settings.ConfigError) as error:
        create_app("testing", {"SECRET_KEY": "s"})
    message = str(error.value)
    assert message.startswith(settings.env_var(name)) and "\n" not in message
    assert repr(value) in message


def test_an_unknown_environment_is_refused_before_any_file_is_read() -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("ENV")):
        create_app("../production", {"SECRET_KEY": "s"})


def test_production_requires_the_secret_key() -> None:
    with pytest.raises(settings.ConfigError, match=settings.env_var("SECRET_KEY")):
        create_app("production")


def test_extensions_are_normalised() -> None:
    assert parse_extensions("TXT, .Csv  pdf") == {".txt", ".csv", ".pdf"}
    assert parse_extensions([".png", "gif"]) == {".png", ".gif"}


class FakeRun:
    """Stands in for bottle.run(): records how serve() called it."""

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


def test_production_serves_with_the_configured_adapter(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, ENV="production", SECRET_KEY="s", PORT="8765")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a shell's background job
    main()
    [(app, options)] = fake_run.calls
    assert isinstance(app, bottle.Bottle)
    assert options == {
        "server": "waitress",
        "host": "127.0.0.1",
        "port": 8765,
        "debug": False,
        "reloader": False,
        # waitress itself answers oversized requests: 431 for headers, 413 for bodies.
        "max_request_header_size": app_module.MAX_HEADER_BYTES,
        "max_request_body_size": 1024 * 1024,
    }
    # Both become the KeyboardInterrupt that every adapter already stops on.
    assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_development_reloader_parent_only_supervises(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, ENV="development")
    main()
    assert fake_run.calls == [(None, {"reloader": True})]


def test_the_development_reloader_child_serves_with_the_debugger(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, ENV="development")
    monkeypatch.setenv("BOTTLE_CHILD", "true")
    main()
    [(app, options)] = fake_run.calls
    assert isinstance(app, bottle.Bottle)
    assert options["server"] == "wsgiref"
    assert options["debug"] is True and options["reloader"] is True


def run_main_expecting_exit(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    return line


def test_main_without_a_production_secret_prints_one_line(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(monkeypatch, ENV="production")
    assert settings.env_var("SECRET_KEY") in run_main_expecting_exit(capsys)
    assert fake_run.calls == []


def test_main_with_a_bad_environment_prints_one_line(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(monkeypatch, ENV="staging")
    assert settings.env_var("ENV") in run_main_expecting_exit(capsys)


def test_a_missing_server_adapter_is_one_clear_line(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(monkeypatch, ENV="production", SECRET_KEY="s", SERVER="cheroot")
    monkeypatch.setitem(sys.modules, "cheroot", None)  # makes it look uninstalled
    line = run_main_expecting_exit(capsys)
    assert settings.env_var("SERVER") in line
    assert f"pip install '{app_module.DISTRIBUTION}[cheroot]'" in line
    assert fake_run.calls == []


# Running the already imported __main__ module again is what this test is about.
@pytest.mark.filterwarnings("ignore:.*found in sys.modules:RuntimeWarning")
def test_python_dash_m_runs_main(fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, ENV="production", SECRET_KEY="s")
    runpy.run_module(settings.__package__, run_name="__main__", alter_sys=False)
    assert len(fake_run.calls) == 1


def test_every_default_is_typed_by_a_filter() -> None:
    assert set(app_module.APP_DEFAULTS) <= set(app_module.FILTERS)


def test_a_relative_upload_dir_is_made_absolute(
    make_app: Callable[..., bottle.Bottle], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert make_app(UPLOAD_DIR="files").config["app.upload_dir"] == tmp_path.resolve() / "files"


def test_gunicorn_keeps_its_own_smaller_limits(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "require_server", lambda name: name)
    configure(monkeypatch, ENV="production", SECRET_KEY="s", SERVER="gunicorn")
    main()
    [(_, options)] = fake_run.calls
    assert options["server"] == "gunicorn"
    assert "max_request_header_size" not in options


class FakeCherootServer:
    """Stands in for cheroot.wsgi.Server: records how it was built, set up and run."""

    instances: list[FakeCherootServer] = []

    def __init__(self, bind_addr: tuple[str, int], wsgi_app: Any, **options: Any) -> None:
        self.bind_addr, self.wsgi_app, self.options = bind_addr, wsgi_app, options
        self.max_request_header_size = self.max_request_body_size = 0  # cheroot's defaults
        self.events: list[str] = []
        FakeCherootServer.instances.append(self)

    def start(self) -> None:
        self.events.append("start")
        raise KeyboardInterrupt  # what SIGTERM becomes

    def stop(self) -> None:
        self.events.append("stop")


def test_cheroot_gets_the_limits_bottles_adapter_cannot_pass(
    fake_run: FakeRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, ENV="production", SECRET_KEY="s", SERVER="cheroot", PORT="8766")
    monkeypatch.setattr(app_module, "require_server", lambda name: name)
    main()
    [(app, options)] = fake_run.calls
    # What bottle.run() does with an adapter class and the options that are not its own.
    run_options = ("server", "debug", "reloader")
    adapter = options["server"](**{k: v for k, v in options.items() if k not in run_options})
    assert isinstance(adapter, app_module.CherootServer)

    cheroot = types.ModuleType("cheroot")
    cheroot.wsgi = types.SimpleNamespace(Server=FakeCherootServer)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cheroot", cheroot)
    FakeCherootServer.instances.clear()
    with pytest.raises(KeyboardInterrupt):
        adapter.run(app)
    [server] = FakeCherootServer.instances
    assert server.bind_addr == ("127.0.0.1", 8766) and server.wsgi_app is app
    assert server.options == {}
    assert server.max_request_header_size == app_module.MAX_HEADER_BYTES
    assert server.max_request_body_size == 1024 * 1024
    assert server.events == ["start", "stop"]
