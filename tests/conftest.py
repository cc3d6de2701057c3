"""Shared fixtures. Home Assistant tests need the custom integration enabled."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

# Imported early so phcc's own `custom_components` package does not shadow ours.
import custom_components.care_plug  # noqa: F401
from custom_components.care_plug import DOMAIN
from tests.broker import mosquitto  # noqa: F401 - the real-broker fixture (tests/broker.py)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom integrations in tests that use `hass`.

    Engine tests take no `hass` fixture and so start no Home Assistant.
    """
    if "recorder_mock" in request.fixturenames:
        request.getfixturevalue("recorder_db_url")  # the recorder's database comes before hass
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


# ---------------------------------------------------------------- Home Assistant households

HOUSEHOLD_OPTIONS: dict[str, Any] = {
    "name": "Mum",
    "power_sources": ["sensor.tv_power", "sensor.kettle_power"],
    "background_power_sources": ["sensor.fridge_power"],
    "light_sources": ["sensor.living_room_illuminance"],
    "presence_sources": ["binary_sensor.hallway_motion"],
    "risk_group": "custom",
    "attention_after": {"hours": 1},
    "warning_after": {"hours": 2},
    "critical_after": {"hours": 3},
}


def set_sources(hass: HomeAssistant) -> None:
    """The household's source entities as a real home would show them, all quiet."""
    hass.states.async_set(
        "sensor.tv_power", "0.4", {"device_class": "power", "unit_of_measurement": "W"}
    )
    hass.states.async_set(
        "sensor.kettle_power", "0", {"device_class": "power", "unit_of_measurement": "W"}
    )
    hass.states.async_set(
        "sensor.fridge_power", "85", {"device_class": "power", "unit_of_measurement": "W"}
    )
    hass.states.async_set(
        "sensor.living_room_illuminance",
        "3",
        {"device_class": "illuminance", "unit_of_measurement": "lx"},
    )
    hass.states.async_set("binary_sensor.hallway_motion", "off", {"device_class": "motion"})


@pytest.fixture
def household_entry(hass: HomeAssistant) -> MockConfigEntry:
    """A household (1 h / 2 h / 3 h thresholds) added to Home Assistant, not yet set up."""
    set_sources(hass)
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=HOUSEHOLD_OPTIONS)
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def household(hass: HomeAssistant, household_entry: MockConfigEntry) -> MockConfigEntry:
    """The household set up and watching its sources."""
    assert await hass.config_entries.async_setup(household_entry.entry_id)
    await hass.async_block_till_done()
    return household_entry
