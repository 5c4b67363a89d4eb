"""The console script end to end, in this process: first-run instance creation, real HTTP on
127.0.0.1, then SIGTERM. Creating a real SQLite instance (``cubicweb-ctl create`` and
``db-create``) is the slowest step: the module does it once, in the ``first_run`` fixture, and the
tests that need a fresh instance get a copy of the one it created.
"""

import contextlib
import html
import http.client
import json
import logging
import os
import shutil
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from live_server import find_free_port

from {{ cookiecutter.package_name }} import PROJECT_NAME, __main__, instance, settings, wsgi
from {{ cookiecutter.package_name }}.config import load_config

STARTUP_TIMEOUT = 120


def fetch(url: str, accept: str = "text/html") -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def raw(port: int, method: str, path: str, body: bytes = b"", **headers: str):
    """Status, headers and Set-Cookie lines of one request, sent as given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        reply = connection.getresponse()
        reply.read()
        return reply.status, reply.headers, reply.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()


@dataclass
class FirstRun:
    """What the console script's first run served and logged, and where its instance is."""

    settings: dict[str, str]
    responses: dict[str, tuple]
    log: str
    pristine: Path

    def fresh_instance(self, directory: Path) -> dict[str, str]:
        """A copy of the instance as the first run left it, in ``directory``: its settings."""
        shutil.copytree(self.pristine, directory, dirs_exist_ok=True)
        return {
            "ENV": "testing",
            "INSTANCE_DIR": str(directory / "instance"),
            "DATABASE_URL": f"sqlite:///{directory / 'first-run.sqlite3'}",
        }


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRun]:
    """Run the console script once on nothing: it creates the instance, then serves until a
    SIGTERM sent once the client has its answers. The instance is then copied, unchanged, for
    the tests that need a fresh one (creating one costs several seconds of CPU)."""
    home = tmp_path_factory.mktemp("first-run")
    port = find_free_port()
    config = {
        "ENV": "testing",
        "PORT": str(port),
        "INSTANCE_DIR": str(home / "instance"),
        "DATABASE_URL": f"sqlite:///{home / 'first-run.sqlite3'}",
        "ADMIN_PASSWORD": "first-run-password",
        "SECURE_COOKIES": "yes",
        "MAX_BODY_BYTES": "4096",
    }
    base = f"http://127.0.0.1:{port}"
    responses: dict[str, tuple] = {}

    def client() -> None:
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while time.monotonic() < deadline and "health" not in responses:
                with contextlib.suppress(OSError):
                    responses["health"] = fetch(f"{base}/health", "application/json")
                time.sleep(0.2)
            responses["index"] = fetch(f"{base}/")
            responses["missing"] = fetch(f"{base}/no/such/page")
            responses["cookies"] = raw(port, "GET", "/")
            # waitress itself refuses these, before the application sees them.
            responses["too_large"] = raw(
                port, "POST", "/api/search", b"x" * 5000, **{"Content-Type": "application/json"}
            )
            responses["long_header"] = raw(port, "GET", "/health", **{"X-Padding": "a" * 70_000})
            responses["climbing"] = raw(port, "GET", "/static/../../../etc/passwd")
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    # Every record, as caplog would take it (a module's fixture cannot use caplog). The root
    # logger at INFO, as the console script's basicConfig leaves it outside pytest.
    records = LogRecords()
    root = logging.getLogger()
    level = root.level
    root.addHandler(records)
    root.setLevel(logging.INFO)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in config.items():
            patch.setenv(settings.env_var(name), value)
        watcher = threading.Thread(target=client, daemon=True)
        watcher.start()
        try:
            __main__.main([])  # returns once SIGTERM stops the server
        finally:
            root.removeHandler(records)
            root.setLevel(level)
        watcher.join(timeout=10)
    pristine = tmp_path_factory.mktemp("pristine")
    shutil.copytree(home / "instance", pristine / "instance")
    shutil.copy2(home / "first-run.sqlite3", pristine / "first-run.sqlite3")
    yield FirstRun(config, responses, records.text(), pristine)


class LogRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")

    def text(self) -> str:
        return "\n".join(self.lines)


def test_first_run_creates_the_instance_and_serves_until_sigterm(monkeypatch, first_run, caplog):
    for name, value in first_run.settings.items():
        monkeypatch.setenv(settings.env_var(name), value)
    responses = first_run.responses
    status, content_type, body = responses["health"]
    assert (status, content_type, json.loads(body)) == (200, "application/json", {"status": "ok"})
    status, content_type, body = responses["index"]
    assert status == 200 and content_type.startswith("text/html")
    assert html.escape(PROJECT_NAME, quote=False) in body
    # The cube's catalogs make the instance compile translations: no message ids on the page.
    for msgid in ("view_index", "Article_plural", "i18n_login_popup", "button_ok"):
        assert msgid not in body, msgid
    assert "running cubicweb-ctl create" in first_run.log  # the log was taken
    assert "localisation support error" not in first_run.log
    status, _, body = responses["missing"]
    assert status == 404 and "Traceback" not in body

    status, _, cookies = responses["cookies"]
    assert status == 200 and {c.split("=")[0] for c in cookies} >= {"session", "csrf_token"}
    for cookie in cookies:
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"secure", "samesite"} <= flags, cookie
        # cubicweb-web's JavaScript reads the CSRF cookie; every other one is HttpOnly.
        assert "httponly" in flags or cookie.startswith("csrf_token="), cookie
    assert responses["too_large"][0] == 413
    assert responses["long_header"][0] == 431
    assert responses["climbing"][0] == 400

    created = load_config()
    assert instance.pending_migrations(created) == 0
    sources = (instance.apphome(created) / "sources").read_text(encoding="utf-8")
    assert "password=first-run-password" in sources
    assert "db-driver=sqlite" in sources

    # An older database: `migrate` runs the cube's versioned scripts (cubicweb-ctl upgrade).
    with instance.database_connection(created) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT cw_eid FROM cw_State")
        state = cursor.fetchone()[0]
        cursor.execute(f"UPDATE cw_State SET cw_cwuri='None{state}' WHERE cw_eid={state}")
        cursor.execute(
            "UPDATE cw_CWProperty SET cw_value='0.0.0' WHERE cw_pkey=%(key)s",
            {"key": instance.VERSION_KEY + "{{ cookiecutter.package_name }}"},
        )
        connection.commit()
    assert instance.pending_migrations(created) == 1
    __main__.main(["migrate"])
    assert instance.pending_migrations(created) == 0
    with instance.database_connection(created) as connection:
        cursor = connection.cursor()
        cursor.execute(f"SELECT cw_cwuri FROM cw_State WHERE cw_eid={state}")
        assert cursor.fetchone()[0] == f"{created.base_url}{state}"  # migration/0.0.1_Any.py

    # An instance made before the cube shipped catalogs gets them from `migrate`.
    shutil.rmtree(instance.apphome(created) / "i18n")
    assert instance.migrate(created) == "translations compiled"
    assert instance.catalogs_compiled(created)

    # CubicWeb's debug mode (development) logs nothing below the configured level.
    caplog.clear()
    app = wsgi.create_app(replace(created, environment="development", log_level="INFO"))
    app.registry["cubicweb.repository"].shutdown()
    assert not [record for record in caplog.records if record.levelno < logging.INFO]

    # The instance's pyramid.ini is the one CubicWeb reads: an edit there takes effect.
    pyramid_ini = instance.apphome(created) / "pyramid.ini"
    assert "cubicweb.includes" in pyramid_ini.read_text(encoding="utf-8")
    with pyramid_ini.open("a", encoding="utf-8") as stream:
        stream.write("cubicweb.pyramid.enable_csrf = no\n")
    app = wsgi.create_app(created)
    app.registry["cubicweb.repository"].shutdown()
    assert app.registry.settings["cubicweb.pyramid.enable_csrf"] == "no"
    # ... and it keeps no secret: they derive from SECRET_KEY on each start, as no file does.
    secrets = [app.registry.settings[name] for name in wsgi.SECRET_SETTINGS]
    for path in instance.apphome(created).rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode(errors="replace")
            assert not [s for s in [*secrets, *wsgi.SECRET_SETTINGS] if s in text], path
    with pyramid_ini.open("a", encoding="utf-8") as stream:
        stream.write("cubicweb.session.secret = written-down\n")
    with pytest.raises(settings.ConfigError, match="must not set cubicweb.session.secret"):
        wsgi.create_app(created)
    pyramid_ini.write_text("cubicweb.includes = no section\n", encoding="utf-8")
    with pytest.raises(settings.ConfigError, match="pyramid.ini cannot be read as CubicWeb"):
        wsgi.create_app(created)


def test_a_schema_change_without_a_new_version_is_refused(
    monkeypatch, tmp_path, capsys, schema_change, first_run
):
    """CubicWeb applies a schema change through a migration script only: without a new version
    none runs, so the change would be ignored until a query used it."""
    for name, value in first_run.fresh_instance(tmp_path).items():
        monkeypatch.setenv(settings.env_var(name), value)
    config = load_config()
    assert instance.migrate(config) == "up to date"  # and the copy's sources name its database
    # A fresh instance: the schemas agree, as the first run's create_app found when it served.

    schema_change(instance.apphome(config))
    with pytest.raises(SystemExit) as exited:
        __main__.main(["migrate"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error
    assert "cube {{ cookiecutter.package_name }} changed (Article.summary added)" in error
    assert "pyproject.toml" in error and settings.MIGRATE_COMMAND in error
    with pytest.raises(settings.ConfigError, match="Article.summary added"):
        wsgi.create_app(config)
