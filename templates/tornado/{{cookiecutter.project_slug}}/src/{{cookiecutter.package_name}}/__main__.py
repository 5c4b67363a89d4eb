"""Console script: ``{{ cookiecutter.project_slug }}`` or ``python -m {{ cookiecutter.package_name }}``."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence

import tornado.autoreload

from . import settings
from .options import config_file, load_options
from .server import bind, raise_open_file_limit, run, run_workers


@settings.exit_on_config_error
def main(argv: Sequence[str] | None = None) -> None:
    environment = settings.current_environment()
    options = load_options(environment, sys.argv if argv is None else argv, os.environ)
    sockets = bind(options.host, options.port)
    # The configuration is valid: only now set up logging (tornado's parse callbacks).
    options.run_parse_callbacks()
    raise_open_file_limit()
    if options.debug:
        tornado.autoreload.watch(str(config_file(environment)))
    if options.processes == 1:
        asyncio.run(run(options, sockets))
    else:
        run_workers(options.processes, lambda pipe: asyncio.run(run(options, sockets, pipe)))


if __name__ == "__main__":
    main()
