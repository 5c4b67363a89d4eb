"""Console script: ``{{ cookiecutter.project_slug }}`` or ``python -m {{ cookiecutter.package_name }}``.

Imports are absolute because CherryPy's autoreloader may re-execute this file as a script, and
late, so that a Ctrl-C during start-up lands inside ``main()``, which exits 0.
"""

from __future__ import annotations

from {{ cookiecutter.package_name }} import settings


def serve() -> None:
    """Start the engine and block until it exits; the engine handles the signals.

    SIGTERM and SIGINT (Ctrl-C) exit, SIGUSR1 restarts gracefully, SIGHUP exits in the
    foreground. In development the autoreloader re-executes the process (same PID) when a file
    changes, so Ctrl-C always reaches the process that serves.
    """
    import cherrypy

    from {{ cookiecutter.package_name }}.plugins import ExitOnSignal

    engine = cherrypy.engine
    exit_on_signal = ExitOnSignal(engine)
    # Exiting from the signal handler, rather than through KeyboardInterrupt, lets the engine
    # stop every plugin in order whatever the main thread is doing.
    engine.signal_handler.handlers.update(SIGTERM=exit_on_signal, SIGINT=exit_on_signal)
    engine.signals.subscribe()
    engine.start()
    exit_on_signal.started()
    engine.block()


@settings.exit_on_config_error
def main() -> None:
    try:
        from {{ cookiecutter.package_name }} import configuration, site

        environment = settings.current_environment()
        # Any bad setting stops here, as one line, before CherryPy logs anything.
        files = configuration.load(environment)
        site.build(files)
        serve()
    except KeyboardInterrupt:
        # Ctrl-C before the engine's handlers are installed (e.g. just after a re-exec).
        pass


if __name__ == "__main__":
    main()
