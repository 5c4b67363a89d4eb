"""Web sessions outside the application database.

CubicWeb's ``cubicweb.pyramid.session`` keeps sessions as ``CWSession`` rows in the instance's
database: on SQLite every write then waits for the database lock. As CubicWeb's own
``pyramid.ini`` advises, sessions live in Redis when ``REDIS_URL`` is set (server side,
so a logout revokes them); otherwise in a signed cookie (Pyramid's own factory). Either way a
second process or a restart sees them.

The data is pickled, as CubicWeb's own database sessions pickle it: cubicweb-web keeps Python
objects in a session (the edit forms' ``rql_varmaker``), which JSON cannot hold. Redis is as
trusted as the database; a cookie is unpickled only once its HMAC, made with ``SECRET_KEY``,
checks out (production refuses a short or missing key).
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.session import PickleSerializer, SignedCookieSessionFactory
from pyramid.settings import asbool

from . import settings
from .config import AppConfig
from .settings import ConfigError

COOKIE_NAME = "session"
# Seconds of inactivity before a Redis session expires (pyramid_session_redis default).
REDIS_TIMEOUT = 1200


# Pyramid settings this module reads (wsgi.pyramid_settings writes them).
REDIS_URL_SETTING = "{{ cookiecutter.package_name }}.redis_url"
SECURE_SETTING = "{{ cookiecutter.package_name }}.secure_cookies"


def session_factory(secret: str, redis_url: str | None, secure: bool) -> Any:
    if redis_url:
        from pyramid_session_redis import RedisSessionFactory

        return RedisSessionFactory(
            secret,
            timeout=REDIS_TIMEOUT,
            cookie_name=COOKIE_NAME,
            cookie_secure=secure,
            cookie_httponly=True,
            cookie_samesite="Lax",
            url=redis_url,
        )
    return SignedCookieSessionFactory(
        secret,
        cookie_name=COOKIE_NAME,
        secure=secure,
        httponly=True,
        samesite="Lax",
        serializer=PickleSerializer(),
    )


def includeme(pyramid_config: Configurator) -> None:
    """Listed in ``cubicweb.includes`` in place of CubicWeb's database sessions."""
    settings = pyramid_config.registry.settings
    factory = session_factory(
        settings["cubicweb.session.secret"],
        settings.get(REDIS_URL_SETTING) or None,
        asbool(settings.get(SECURE_SETTING, False)),
    )
    pyramid_config.set_session_factory(factory)


def check_redis(config: AppConfig) -> None:
    """Production start: an unreachable Redis is a one-line error, not a failing first login."""
    if not config.redis_url:
        return
    import redis

    try:
        redis.Redis.from_url(config.redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise ConfigError(
            f"{settings.env_var('REDIS_URL')} is unreachable: {str(error).splitlines()[0]}"
        ) from None
