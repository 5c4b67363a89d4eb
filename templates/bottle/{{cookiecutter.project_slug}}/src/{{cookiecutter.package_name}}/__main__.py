"""Console script ``{{ cookiecutter.project_slug }}``, also run by ``python -m {{ cookiecutter.package_name }}``."""

from __future__ import annotations

from . import settings
from .app import serve


@settings.exit_on_config_error
def main() -> None:
    serve()


if __name__ == "__main__":
    main()
