"""Start and stop: signals deferred while starting, the stop deadline, ports in use."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from cherrypy.process import wspbus

from {{ cookiecutter.package_name }} import lifecycle, settings


@pytest.fixture
def bus() -> Iterator[wspbus.Bus]:
    bus = wspbus.Bus()
    yield bus
    if bus.state != wspbus.states.EXITING:
        bus.exit()


def test_a_signal_while_starting_waits_for_the_end_of_start(bus: wspbus.Bus) -> None:
    """Bus.exit() during start() would end the process with status 70."""
    handler = lifecycle.WhenStarted(bus, bus.exit)
    bus.state = wspbus.states.STARTING
    handler()
    assert bus.state == wspbus.states.STARTING
    bus.state = wspbus.states.STARTED
    handler.started()
    assert bus.state == wspbus.states.EXITING


def test_a_signal_acts_at_once_on_a_started_bus(bus: wspbus.Bus) -> None:
    handler = lifecycle.WhenStarted(bus, bus.exit)
    bus.start()
    handler()
    assert bus.state == wspbus.states.EXITING
    handler.started()  # nothing was deferred


def test_an_invalid_configuration_is_not_reloaded(bus: wspbus.Bus, monkeypatch) -> None:
    monkeypatch.setenv(settings.env_var("PORT"), "eighty")
    with mock.patch.object(bus, "restart") as restart:
        lifecycle.Reload(bus, "testing")()
    restart.assert_not_called()
    monkeypatch.delenv(settings.env_var("PORT"))
    with mock.patch.object(bus, "restart") as restart:
        lifecycle.Reload(bus, "testing")()
    restart.assert_called_once()


def test_the_deadline_is_cancelled_by_a_timely_stop(bus: wspbus.Bus) -> None:
    deadline = lifecycle.StopDeadline(bus, 0.1)
    deadline.subscribe()
    bus.start()
    with mock.patch.object(os, "_exit") as exit_now:
        bus.stop()
        time.sleep(0.2)  # twice the deadline
    exit_now.assert_not_called()
    assert deadline.timer is None
    deadline.unsubscribe()


def test_the_deadline_exits_0_or_restarts_when_stopping_hangs(bus: wspbus.Bus) -> None:
    deadline = lifecycle.StopDeadline(bus, 30)
    with mock.patch.object(os, "_exit") as exit_now:
        deadline.expire()
    exit_now.assert_called_once_with(0)
    bus.execv = True
    with mock.patch.object(bus, "_do_execv") as execv, mock.patch.object(os, "_exit"):
        deadline.expire()
    execv.assert_called_once()


def test_a_port_in_use_names_the_variable() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(settings.ConfigError) as raised:
            lifecycle.check_ports([("ADMIN_PORT", "127.0.0.1", port)])
    assert str(raised.value).startswith(settings.env_var("ADMIN_PORT"))
    lifecycle.check_ports([("PORT", "127.0.0.1", port)])  # free again
