"""A real Home Assistant for the end-to-end tests, started once per module.

These tests run in their own pytest invocation (scripts/test) without the phcc plugin,
which would block their loopback sockets and check for lingering threads.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.server import HASS_ENV, HassServer, free_port, hass_command, prepare_config
from tests.broker import Brokers

CONFIGURATION = Path(__file__).with_name("configuration.yaml")
USER = {"name": "Officer", "username": "officer", "password": "care-plug-e2e"}
# The Home Assistant versions the servers reported, for the run's closing lines.
SERVED: set[str] = set()


@functools.cache
def expected_version() -> str:
    """The version of the Home Assistant that `HassServer` starts ($CARE_PLUG_HASS or
    this interpreter's), asked from the same command."""
    return subprocess.run(
        [*hass_command(), "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()


def check_version(hass: HassServer) -> None:
    """The running server is the Home Assistant this run was asked to test."""
    version = hass.call("GET", "/api/config")["version"]
    assert version == expected_version(), f"{HASS_ENV}: expected {expected_version()}"
    SERVED.add(version)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SERVED:
        terminalreporter.write_line(f"Home Assistant served: {', '.join(sorted(SERVED))}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HassServer]:
    """An onboarded server on a free loopback port; always stopped by its process group."""
    config_dir = tmp_path_factory.mktemp("hass")
    port = free_port()
    prepare_config(config_dir, CONFIGURATION.read_text(), port)
    hass = HassServer(config_dir, port, config_dir / "hass.log")
    try:
        hass.start(timeout=120)
        hass.onboard(USER["name"], USER["username"], USER["password"])
        hass.wait_running(timeout=120)
        check_version(hass)
        yield hass
    finally:
        hass.stop()
        # The log is the first thing to read when a step failed.
        print(f"\n--- hass log tail ({hass.log_path}) ---\n{hass.tail(60)}")
        if os.environ.get("CARE_PLUG_E2E_KEEP_LOG"):
            print(hass.log_path.read_text(errors="replace"))


@pytest.fixture(scope="module")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Brokers]:
    """A factory of real Mosquitto brokers (tests/broker.py) shared by a module's tests,
    all stopped at its end. No test plugin here, so sockets need no unblocking."""
    with Brokers(tmp_path_factory.mktemp("mosquitto")) as brokers:
        yield brokers
