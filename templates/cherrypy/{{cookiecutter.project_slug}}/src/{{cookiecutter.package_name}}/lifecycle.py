"""How the process starts and stops: signals, the stop deadline, the ports it needs.

The engine's own ``SignalHandler`` delivers the signals; these are the handlers it calls.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable

import cheroot.server
from cherrypy.process.plugins import SimplePlugin
from cherrypy.process.wspbus import Bus, states

from . import configuration, settings

# Seconds between the checks cheroot's connection loop makes for a stop request. Stopping a
# listener waits for the next check, so cheroot's 0.5 s was added to every stop, SIGHUP reload
# and autoreload, once per listener. 0.05 s is cheroot's own value on Windows.
STOP_CHECK_INTERVAL = 0.05


def check_for_stop_often() -> None:
    """Apply ``STOP_CHECK_INTERVAL`` to every cheroot server of the process."""
    cheroot.server.HTTPServer.expiration_interval = STOP_CHECK_INTERVAL


class WhenStarted:
    """Run ``action`` now, or once ``engine.start()`` returns if the engine is starting.

    ``Bus.exit()`` while the bus is still STARTING ends the process with status 70, and a
    client can already be served then (for instance just after an autoreload re-exec).
    """

    def __init__(self, bus: Bus, action: Callable[[], None]) -> None:
        self.bus = bus
        self.action = action
        self.deferred = False

    def __call__(self) -> None:
        if self.bus.state == states.STARTING:
            self.deferred = True
        else:
            self.action()

    def started(self) -> None:
        if self.deferred:
            self.deferred = False
            self.action()


class Reload:
    """SIGHUP: re-execute the process, which re-reads every config layer, if they are valid.

    The engine stops gracefully (requests in progress finish), then execs itself, as the
    autoreloader does; a config that would not start is logged and the server keeps running.
    """

    def __init__(self, bus: Bus, environment: str) -> None:
        self.bus = bus
        self.environment = environment

    def __call__(self) -> None:
        try:
            configuration.read_layers(self.environment, os.environ)
        except settings.ConfigError as error:
            self.bus.log(f"SIGHUP: not reloading, the configuration is invalid: {error}", 40)
            return
        self.bus.log("SIGHUP: reloading the configuration (graceful restart).")
        self.bus.restart()


class StopDeadline(SimplePlugin):
    """Stop within ``seconds`` whatever the clients do.

    cheroot waits for each client that sent half a request (measured: 5 s for one, 15 s for
    12, 26 s for 30). When stopping takes longer, the process exits 0 (or re-executes, for a
    restart): the database rolls back whatever was not committed.
    """

    def __init__(self, bus: Bus, seconds: float) -> None:
        super().__init__(bus)
        self.seconds = seconds
        self.timer: threading.Timer | None = None

    def stop(self) -> None:
        if self.timer is None:
            self.timer = threading.Timer(self.seconds, self.expire)
            self.timer.daemon = True
            self.timer.start()

    # First: the deadline counts from the moment the engine starts to stop.
    stop.priority = 1  # type: ignore[attr-defined]

    def stopped(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def subscribe(self) -> None:
        super().subscribe()
        self.bus.subscribe("stop", self.stopped, priority=99)

    def unsubscribe(self) -> None:
        super().unsubscribe()
        self.bus.unsubscribe("stop", self.stopped)

    def expire(self) -> None:
        self.bus.log(f"Stopping took over {self.seconds} s: clients still hold connections.", 30)
        if self.bus.execv:
            self.bus._do_execv()  # the restart the bus was about to do
        os._exit(0)


def check_ports(addresses: Iterable[tuple[str, str, int]]) -> None:
    """One line naming the variable for a port another process holds, before anything starts.

    ``addresses`` are (variable without the prefix, host, port).
    """
    for name, host, port in addresses:
        settings.check_can_listen(host, port, name)
