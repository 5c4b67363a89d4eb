"""Build the WSGI application: CubicWeb's Pyramid integration bound to this project's instance."""

from __future__ import annotations

import hashlib
import hmac
import os
from urllib.parse import urlparse

from cubicweb.cwconfig import CubicWebConfiguration
from cubicweb.pyramid.csrf import CWCookieCSRFStoragePolicy
from pyramid.config import Configurator
from pyramid.router import Router

from . import sessions
from .api import MAX_BODY_SETTING
from .config import AppConfig
from .health import INTERVAL_SETTING
from .instance import cubicweb_environ

# Each Pyramid secret gets its own key derived from the project secret.
SECRET_SETTINGS = (
    "cubicweb.session.secret",
    "cubicweb.auth.authtkt.session.secret",
    "cubicweb.auth.authtkt.persistent.secret",
)


def derive_secret(secret_key: str, purpose: str) -> str:
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def pyramid_settings(config: AppConfig) -> dict[str, str]:
    """The ``[app:main]`` settings plus the secrets, which never live in a file."""
    settings = dict(config.app_settings)
    for name in SECRET_SETTINGS:
        settings[name] = derive_secret(config.secret_key, name)
    settings["cubicweb.debug"] = str(config.debug).lower()
    settings[MAX_BODY_SETTING] = str(config.max_body_bytes)
    settings[INTERVAL_SETTING] = str(config.health_check_interval)
    settings[sessions.REDIS_URL_SETTING] = config.redis_url or ""
    settings[sessions.SECURE_SETTING] = str(config.secure_cookies).lower()
    secure = "yes" if config.secure_cookies else "no"
    settings["cubicweb.auth.authtkt.session.secure"] = secure
    settings["cubicweb.auth.authtkt.persistent.secure"] = secure
    return settings


def secure_cookie_policies(pyramid_config: Configurator, config: AppConfig) -> None:
    """The CSRF cookie, with the Secure flag when configured.

    Called at the top level, after ``cubicweb.pyramid`` is included, these settings win over
    any made in an includeme.
    """
    # Not HttpOnly: cubicweb-web's JavaScript reads this cookie to send X-CSRF-Token with AJAX.
    csrf_policy = CWCookieCSRFStoragePolicy(
        path=urlparse(config.base_url).path, secure=config.secure_cookies, samesite="Strict"
    )
    pyramid_config.set_csrf_storage_policy(csrf_policy)


def create_app(config: AppConfig) -> Router:
    """What ``cubicweb.pyramid.pyramid_app`` does, with settings from this project's config.

    The repository is opened here (schema, hooks, views): the caller shuts it down with
    ``app.registry["cubicweb.repository"].shutdown()``.
    """
    os.environ.update(cubicweb_environ(config))
    cwconfig = CubicWebConfiguration.config_for(config.instance_name, debugmode=config.debug)
    # CubicWeb's debug mode sets every logger to DEBUG when the repository starts (hundreds of
    # lines per start): logging set up now, at the configured level, is not redone.
    cwconfig.init_log(logthreshold=config.log_level)
    # CubicWeb builds every absolute URL (links, RDF subjects) from base-url.
    cwconfig.global_set_option("base-url", config.base_url)
    pyramid_config = Configurator(settings=pyramid_settings(config))
    pyramid_config.registry["cubicweb.config"] = cwconfig
    pyramid_config.include("cubicweb.pyramid")
    secure_cookie_policies(pyramid_config, config)
    app = pyramid_config.make_wsgi_app()
    return app
