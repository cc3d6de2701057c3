"""A real Home Assistant for the end-to-end tests, started once per module.

These tests run in their own pytest invocation (scripts/test) without the phcc plugin,
which would block their loopback sockets and check for lingering threads.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.server import HassServer, free_port, prepare_config

CONFIGURATION = Path(__file__).with_name("configuration.yaml")
USER = {"name": "Officer", "username": "officer", "password": "care-plug-e2e"}


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
        yield hass
    finally:
        hass.stop()
        # The log is the first thing to read when a step failed.
        print(f"\n--- hass log tail ({hass.log_path}) ---\n{hass.tail(60)}")
        if os.environ.get("CARE_PLUG_E2E_KEEP_LOG"):
            print(hass.log_path.read_text(errors="replace"))
