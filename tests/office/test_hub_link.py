"""A household's box and a welfare office in one Home Assistant, talking through the MQTT mock.

The test plugin's broker hands every publish straight to the subscribers. A real broker
delivers a live message without the retain flag (only a new subscription gets the
retained one), and Home Assistant passes each retained topic to a subscription once, so
the broker here does the same. Mum (thresholds 1 h / 2 h / 3 h) reports as `GN-0142`;
her motion sensor fires at 16:05, then the home is quiet.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import MagicMock

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient, MqttMockPahoClient

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from ..common import attribute, move_to, value, walk
from ..conftest import HOUSEHOLD_OPTIONS, set_sources

T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
MOVED = T0 + timedelta(minutes=5)
OFFICE_CARE_LEVEL = "sensor.gn_0142_care_level"


@pytest.fixture
def broker(
    mqtt_mock: MqttMockHAClient, mqtt_client_mock: MqttMockPahoClient
) -> Iterator[MqttMockHAClient]:
    deliver = mqtt_client_mock.publish.side_effect

    def live(topic: str, payload: Any, qos: int = 0, retain: bool = False, *rest: Any) -> Any:
        return deliver(topic, payload, qos, False, *rest)

    mqtt_client_mock.publish.side_effect = live
    yield mqtt_mock
    mqtt_client_mock.on_socket_close(mqtt_client_mock, None, MagicMock(fileno=lambda: -1))


async def test_a_warning_at_home_reaches_the_office_and_its_acknowledgement_goes_back(
    hass: HomeAssistant,
    broker: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: MockUser,
) -> None:
    freezer.move_to(T0)
    office = MockConfigEntry(
        domain=DOMAIN,
        title="Gangnam office",
        options={"kind": "office", "name": "Gangnam office", "root": "care_plug"},
    )
    office.add_to_hass(hass)
    set_sources(hass)
    household = MockConfigEntry(
        domain=DOMAIN, title="Mum", options={**HOUSEHOLD_OPTIONS, "office_id": "GN-0142"}
    )
    household.add_to_hass(hass)
    assert await hass.config_entries.async_setup(office.entry_id)  # and the household
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_CARE)

    await move_to(hass, freezer, MOVED)
    hass.states.async_set("binary_sensor.hallway_motion", "on", {"device_class": "motion"})
    await hass.async_block_till_done()
    assert value(hass, OFFICE_CARE_LEVEL) == "normal"

    await walk(hass, freezer, MOVED, MOVED + timedelta(hours=2))
    assert value(hass, "sensor.mum_care_level") == "warning"
    assert value(hass, OFFICE_CARE_LEVEL) == "warning"
    assert value(hass, "binary_sensor.gn_0142_alert") == "on"
    remote = [e.data for e in events if e.data.get("remote")]
    local = [e.data for e in events if not e.data.get("remote")]
    assert [(e["type"], e["level"]) for e in remote] == [
        ("alert", "attention"),
        ("alert", "warning"),
    ]
    assert [(e["type"], e["level"]) for e in local] == [(e["type"], e["level"]) for e in remote]
    assert all(e["entry_id"] == office.entry_id and e["household"] == "GN-0142" for e in remote)
    assert remote[1]["seq"] == remote[0]["seq"] + 1

    # The officer acknowledges at the office; the box's own household takes it.
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": "button.gn_0142_acknowledge"},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()
    assert attribute(hass, "sensor.mum_care_level", "acknowledged") is True
    assert attribute(hass, OFFICE_CARE_LEVEL, "acknowledged") is True
    assert attribute(hass, OFFICE_CARE_LEVEL, "acknowledged_by") == hass_admin_user.name
    remote = [e.data for e in events if e.data.get("remote")]
    assert remote[-1]["type"] == "acknowledged"

    # Heartbeats keep the office sure the box is there; nothing fires twice.
    await walk(hass, freezer, MOVED + timedelta(hours=2), MOVED + timedelta(hours=2, minutes=50))
    assert value(hass, OFFICE_CARE_LEVEL) == "warning"
    seqs = [e.data["seq"] for e in events if e.data.get("remote") and "seq" in e.data]
    assert len(seqs) == len(set(seqs))
