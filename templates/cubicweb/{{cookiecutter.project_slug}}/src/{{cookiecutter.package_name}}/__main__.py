"""Console script: create the CubicWeb instance on first run, then serve it.

Development runs under hupper (the reloader Pyramid's ``pserve --reload`` uses) with CubicWeb's
debug mode; production runs one process without either.
"""

from __future__ import annotations

import logging
import sys

from . import settings
from .config import AppConfig, load_config

log = logging.getLogger(__name__)


def configure_logging(config: AppConfig) -> None:
    logging.basicConfig(
        level=config.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@settings.exit_on_config_error
def main() -> None:
    # Configuration errors end here, before anything is imported or logged.
    config = load_config()
    configure_logging(config)
    if config.debug:
        import hupper

        if not hupper.is_active():
            # The parent watches files and restarts this same function in a child process.
            hupper.start_reloader(f"{__name__}.main", shutdown_interval=3)
            return  # pragma: no cover - start_reloader exits the parent

    from . import instance, server, wsgi

    instance.ensure(config)
    server.serve(wsgi.create_app(config), config)


if __name__ == "__main__":
    main()
