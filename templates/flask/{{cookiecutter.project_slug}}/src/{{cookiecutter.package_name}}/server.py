"""The production server: gunicorn, configured from the Flask app's config.

gunicorn is imported here only, so development works where gunicorn does not (Windows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config

from . import settings
from .security_headers import load_policy


def gunicorn_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """gunicorn settings: the GUNICORN table, then bind/workers/loglevel from the contract.

    Every value is checked by gunicorn's own validators here, before the server logs anything,
    and a bad one raises ``settings.ConfigError`` naming the environment variable.
    """
    table = config.get("GUNICORN", {})
    if not isinstance(table, Mapping):
        raise settings.ConfigError(
            f"{settings.env_var('GUNICORN')} must be a table of gunicorn settings, not {table!r}"
        )
    options = {name.lower(): value for name, value in table.items()}
    host = config["HOST"]
    options.update(
        # An IPv6 address needs brackets to be told apart from the port.
        bind=f"[{host}]:{config['PORT']}" if ":" in host else f"{host}:{config['PORT']}",
        workers=config["WORKERS"],
        loglevel=config["LOG_LEVEL"].lower(),
        proc_name="{{ cookiecutter.project_slug }}",
    )
    # gunicorn believes X-Forwarded-Proto from 127.0.0.1 by default: trust the same proxies as
    # the security headers do ({{ cookiecutter.__env_prefix }}TRUSTED_PROXIES), no others.
    options.setdefault("forwarded_allow_ips", load_policy().forwarded_allow_ips)
    scratch = Config()
    for name, value in options.items():
        variable = settings.env_var(f"GUNICORN__{name.upper()}")
        try:
            scratch.set(name, value)
        except AttributeError:
            raise settings.ConfigError(f"{variable}: gunicorn has no setting {name!r}") from None
        except (TypeError, ValueError) as error:
            raise settings.ConfigError(f"{variable}: {error}") from None
    return options


class ProductionServer(BaseApplication):
    """gunicorn's documented way to embed it: a BaseApplication fed with our own options.

    The app is built (and its config checked) before this server starts, in the master process;
    the workers are forked from it and share the same app.
    """

    def __init__(self, app: Flask) -> None:
        self.application = app
        self.options = gunicorn_options(app.config)
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    # types-gunicorn types a WSGI app's start_response with two arguments; PEP 3333's, which
    # Flask's app follows, has an optional third (exc_info), so mypy sees a mismatch.
    def load(self) -> Flask:  # type: ignore[override]
        return self.application

    def run(self) -> None:
        settings.freeze_startup_objects()  # before gunicorn forks its workers
        settings.check_can_listen(self.application.config["HOST"], self.application.config["PORT"])
        super().run()
