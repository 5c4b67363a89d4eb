"""Console script."""

from __future__ import annotations

from . import settings


@settings.exit_on_config_error
def main() -> None:
    from .app import create_app

    environment = settings.current_environment()
    app = create_app({"ENV": environment})
    debug = environment == "development"
    app.run(
        host=app.config["HOST"],
        port=settings.check_port(app.config["PORT"]),
        debug=debug,
        use_reloader=debug,
    )


if __name__ == "__main__":
    main()
