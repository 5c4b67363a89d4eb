"""Build the WSGI application with CubicWeb's own builder, from the instance's ``pyramid.ini``.

``cubicweb.pyramid.config_from_cwconfig`` reads the ``[main]`` section of the instance's
``pyramid.ini`` (written by ``instance.write_pyramid_ini`` when the instance is created, then the
deployer's to edit) over the settings given here: those that come from the environment and the
secrets, which are derived from ``SECRET_KEY`` on each start and never written to a file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from urllib.parse import urlparse

from cubicweb.cwconfig import CubicWebConfiguration
from cubicweb.pyramid import config_from_cwconfig
from cubicweb.pyramid.csrf import CWCookieCSRFStoragePolicy
from pyramid.config import Configurator
from pyramid.router import Router

from . import instance, sessions
from .api import MAX_BODY_SETTING
from .config import AppConfig
from .health import INTERVAL_SETTING

# Each Pyramid secret gets its own key derived from the project secret.
SECRET_SETTINGS = instance.SECRET_SETTINGS


def derive_secret(secret_key: str, purpose: str) -> str:
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def runtime_settings(config: AppConfig) -> dict[str, str]:
    """The settings that come from the environment, not from ``pyramid.ini``: the secrets and
    this project's own options."""
    settings = {name: derive_secret(config.secret_key, name) for name in SECRET_SETTINGS}
    settings["cubicweb.debug"] = str(config.debug).lower()
    settings[MAX_BODY_SETTING] = str(config.max_body_bytes)
    settings[INTERVAL_SETTING] = str(config.health_check_interval)
    settings[sessions.REDIS_URL_SETTING] = config.redis_url or ""
    settings[sessions.SECURE_SETTING] = str(config.secure_cookies).lower()
    secure = "yes" if config.secure_cookies else "no"
    settings["cubicweb.auth.authtkt.session.secure"] = secure
    settings["cubicweb.auth.authtkt.persistent.secure"] = secure
    return settings


def pyramid_settings(config: AppConfig) -> dict[str, str]:
    """What the server's application gets: a new instance's ``pyramid.ini`` plus the runtime
    settings (the tests build CubicWeb's test application from it)."""
    return {**instance.pyramid_ini_settings(config), **runtime_settings(config)}


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
    """The application of this project's instance, as ``cubicweb-ctl start`` builds it.

    The repository is opened here (schema, hooks, views): the caller shuts it down with
    ``app.registry["cubicweb.repository"].shutdown()``. Raises ConfigError when ``pyramid.ini``
    holds a secret or the cube's schema changed without a migration.
    """
    # CW_* variables carry the CubicWeb options set by this project's (base-url, log-threshold).
    os.environ.update(instance.cubicweb_environ(config))
    instance.write_pyramid_ini(config)
    cwconfig = CubicWebConfiguration.config_for(config.instance_name, debugmode=config.debug)
    # CubicWeb's debug mode sets every logger to DEBUG when the repository starts (hundreds of
    # lines per start): logging set up now, at the configured threshold, is not redone.
    cwconfig.init_log(logthreshold=cwconfig["log-threshold"])
    pyramid_config = config_from_cwconfig(cwconfig, settings=runtime_settings(config))
    repo = pyramid_config.registry["cubicweb.repository"]
    try:
        instance.check_schema(repo)
    except Exception:
        repo.shutdown()
        raise
    secure_cookie_policies(pyramid_config, config)
    return pyramid_config.make_wsgi_app()
