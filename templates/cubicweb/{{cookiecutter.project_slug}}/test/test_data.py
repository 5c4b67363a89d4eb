"""The data contract: database URL mapping, instance states, migrations, sessions."""

import sqlite3

import pytest
from cubicweb_web.devtools.testlib import PyramidWebCWTC

from {{ cookiecutter.package_name }} import __main__, instance, sessions, settings
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.settings import ConfigError
from {{ cookiecutter.package_name }}.wsgi import pyramid_settings

PREFIX = settings.PREFIX


def config_for(tmp_path, url: str, **values: str):
    environ = {PREFIX + "ENV": "testing", PREFIX + "INSTANCE_DIR": str(tmp_path)}
    environ[PREFIX + "DATABASE_URL"] = url
    environ.update({PREFIX + name: value for name, value in values.items()})
    return load_config(environ)


def test_postgresql_url_maps_onto_the_sources_options(tmp_path):
    loaded = config_for(tmp_path, "postgresql://cw:p%40ss@db.example:5433/articles")
    assert instance.system_source(loaded.database) == {
        "db-driver": "postgres",
        "db-host": "db.example",
        "db-port": "5433",
        "db-name": "articles",
        "db-user": "cw",
        "db-password": "p@ss",
    }


def test_sqlite_is_the_default_one_file_per_environment():
    loaded = load_config({PREFIX + "ENV": "testing"})
    source = instance.system_source(loaded.database)
    assert source["db-driver"] == "sqlite"
    assert source["db-name"].endswith("var/testing.sqlite3")


def test_empty_database_has_everything_pending(tmp_path):
    loaded = config_for(tmp_path, f"sqlite:///{tmp_path / 'none.sqlite3'}")
    assert instance.stored_versions(loaded) is None
    assert instance.pending_migrations(loaded) == 1


def test_half_created_database_is_one_line_naming_migrate(tmp_path):
    path = tmp_path / "half.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE entities (eid INTEGER)")
        connection.execute("CREATE TABLE cw_CWProperty (cw_pkey TEXT, cw_value TEXT)")
    loaded = config_for(tmp_path, f"sqlite:///{path}")
    with pytest.raises(instance.InstanceError) as raised:
        instance.stored_versions(loaded)
    message = str(raised.value)
    assert "half-created" in message and settings.MIGRATE_COMMAND in message
    assert "\n" not in message


def test_unreadable_database_is_one_line_without_the_password(tmp_path):
    loaded = config_for(tmp_path, "postgresql://cw:s3cret@127.0.0.1:1/articles")
    with pytest.raises(instance.InstanceError) as raised:
        instance.stored_versions(loaded)
    assert "s3cret" not in str(raised.value) and "\n" not in str(raised.value)


def test_pending_counts_cubes_newer_than_the_database(tmp_path, monkeypatch):
    (tmp_path / "{{ cookiecutter.package_name }}").mkdir()
    (tmp_path / "{{ cookiecutter.package_name }}" / "all-in-one.conf").write_text("")
    loaded = config_for(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    stored = {"cubicweb": "5.0.1", "{{ cookiecutter.package_name }}": "0.1.0", "web": "1.6.2"}
    installed = {**stored, "{{ cookiecutter.package_name }}": "0.2.0"}
    monkeypatch.setattr(instance, "stored_versions", lambda config: stored)
    monkeypatch.setattr(instance, "installed_versions", lambda config: installed)
    assert instance.pending_migrations(loaded) == 1
    monkeypatch.setattr(instance, "installed_versions", lambda config: stored)
    assert instance.pending_migrations(loaded) == 0


def test_production_refuses_to_start_with_pending_migrations(monkeypatch, capsys):
    for name, value in {
        "ENV": "production",
        "SECRET_KEY": "a-production-secret-of-some-length",
        "ADMIN_PASSWORD": "a-long-admin-password",
    }.items():
        monkeypatch.setenv(PREFIX + name, value)
    monkeypatch.setattr(instance, "pending_migrations", lambda config: 2)
    with pytest.raises(SystemExit) as raised:
        __main__.main(["serve"])
    assert raised.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and f"`{settings.MIGRATE_COMMAND}`" in lines[0], lines


def test_a_failing_cubicweb_ctl_is_one_line_and_exit_1(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(PREFIX + "ENV", "testing")
    monkeypatch.setenv(PREFIX + "INSTANCE_DIR", str(tmp_path))

    def fail(config):
        raise instance.InstanceError("cubicweb-ctl upgrade failed: boom")

    monkeypatch.setattr(instance, "migrate", fail)
    with pytest.raises(SystemExit) as raised:
        __main__.main(["migrate"])
    assert raised.value.code == 1
    assert capsys.readouterr().err == "error: cubicweb-ctl upgrade failed: boom\n"


def test_sessions_use_redis_when_configured_else_a_signed_cookie():
    from pyramid.session import SignedCookieSessionFactory

    cookie = sessions.session_factory("secret", None, secure=True)
    assert cookie.__name__ == SignedCookieSessionFactory("x").__name__
    redis = sessions.session_factory("secret", "redis://127.0.0.1:6379/0", secure=True)
    assert redis is not cookie and callable(redis)


def test_unreachable_redis_is_one_line_naming_the_variable(tmp_path):
    loaded = config_for(tmp_path, "sqlite:///x.sqlite3", REDIS_URL="redis://127.0.0.1:1/0")
    with pytest.raises(ConfigError) as raised:
        sessions.check_redis(loaded)
    assert str(raised.value).startswith(f"{PREFIX}REDIS_URL is unreachable")
    sessions.check_redis(config_for(tmp_path, "sqlite:///x.sqlite3"))  # no Redis: nothing to do


class SessionStorageTC(PyramidWebCWTC):
    """Page views never write sessions into the instance's database (the old 5 s lock)."""

    settings = pyramid_settings(load_config({PREFIX + "ENV": "testing"}))

    def test_page_views_and_logins_add_no_session_rows(self):
        self.webapp.get("/", status=200)
        self.login()
        self.webapp.get("/", status=200)
        with self.admin_access.repo_cnx() as cnx:
            self.assertEqual(cnx.execute("Any COUNT(X) WHERE X is CWSession")[0][0], 0)

    def test_a_workflow_transition_answers_well_under_a_second(self):
        import time

        with self.admin_access.repo_cnx() as cnx:
            article = cnx.create_entity("Article", title="Timed")
            cnx.commit()
            started = time.monotonic()
            article.cw_adapt_to("IWorkflowable").fire_transition("publish")
            cnx.commit()
            self.assertLess(time.monotonic() - started, 1.0)
