"""The office link against a real Mosquitto broker that restarts: no event lost, none out
of order.

Home Assistant's own MQTT client talks to the broker on 127.0.0.1; an office stands in as
a plain client with a persistent session (as the office's broker connection would have).
Events come from the away switch, so nobody waits for an inactivity threshold.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.care_plug.const import DOMAIN

from ..broker import Brokers, MqttClient
from ..conftest import HOUSEHOLD_OPTIONS, set_sources

OFFICE_ID = "GN-0142"


async def until(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def receive_events(hass: HomeAssistant, office: MqttClient, count: int) -> list[Any]:
    """The next `count` distinct events (by seq) the office receives, in arrival order."""
    seen: dict[int, dict[str, Any]] = {}
    order: list[int] = []
    deadline = time.monotonic() + 30
    while len(seen) < count:
        assert time.monotonic() < deadline, f"only {order} arrived"
        message = await hass.async_add_executor_job(office.receive, 30)
        if not message.topic.endswith("/event"):
            continue
        event = json.loads(message.payload)
        if event["seq"] not in seen:
            seen[event["seq"]] = event
            order.append(event["seq"])
    return [seen[seq] for seq in order]


@pytest.mark.usefixtures("mock_hass_config")
async def test_events_survive_a_broker_restart_in_order(
    hass: HomeAssistant, mosquitto: Brokers
) -> None:
    broker = mosquitto()
    office = broker.client(client_id="office", clean_session=False)
    office.connect()
    office.subscribe(f"care_plug/{OFFICE_ID}/#")

    # No birth message: Home Assistant publishes it a few seconds after connecting, and
    # its own attempt would fail loudly when the broker goes down that soon.
    mqtt_entry = MockConfigEntry(
        domain=mqtt.DOMAIN,
        data=broker.connection(),
        options={mqtt.CONF_BIRTH_MESSAGE: {}},
        version=1,
        minor_version=2,
    )
    mqtt_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mqtt_entry.entry_id)
    await until(lambda: mqtt.is_connected(hass))

    set_sources(hass)
    entry = MockConfigEntry(
        domain=DOMAIN, title="Mum", options={**HOUSEHOLD_OPTIONS, "office_id": OFFICE_ID}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    household = entry.runtime_data
    try:
        household.set_away(None)
        [first] = await receive_events(hass, office, 1)

        # The broker goes away (a reboot): events raised meanwhile wait in the box.
        office.disconnect()
        await hass.async_add_executor_job(broker.stop)
        await until(lambda: not mqtt.is_connected(hass))
        household.end_away()
        household.set_away(None)
        household.end_away()
        await hass.async_block_till_done()

        await hass.async_add_executor_job(broker.start)
        await hass.async_add_executor_job(office.connect)
        await until(lambda: mqtt.is_connected(hass))
        later = await receive_events(hass, office, 3)

        seqs = [first["seq"]] + [event["seq"] for event in later]
        assert seqs == list(range(first["seq"], first["seq"] + 4))  # none lost, in order
        assert [event["monitoring"] for event in later] == ["ok", "away", "ok"]
    finally:
        office.disconnect()
        assert await hass.config_entries.async_unload(entry.entry_id)
        assert await hass.config_entries.async_unload(mqtt_entry.entry_id)
        await hass.async_block_till_done()
