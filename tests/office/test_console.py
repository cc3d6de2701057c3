"""The office console card: served by the integration and loaded into the frontend once a
welfare office is set up, and only then (the browser check is tests/e2e/test_console.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock

import pytest
from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MqttMockHAClient,
    MqttMockPahoClient,
)

from custom_components.care_plug.const import DOMAIN
from custom_components.care_plug.office.console import CARD_FILE, CARD_URL

OFFICE_OPTIONS: dict[str, Any] = {
    "kind": "office",
    "name": "Gangnam office",
    "root": "care_plug",
    "tolerance": {"hours": 0, "minutes": 15, "seconds": 0},
}


@pytest.fixture
def mqtt(
    mqtt_mock: MqttMockHAClient, mqtt_client_mock: MqttMockPahoClient
) -> Iterator[MqttMockHAClient]:
    """The broker; at the end its socket closes, as a real client's does when HA stops."""
    yield mqtt_mock
    mqtt_client_mock.on_socket_close(mqtt_client_mock, None, MagicMock(fileno=lambda: -1))


def console_urls(hass: HomeAssistant) -> list[str]:
    return [url for url in hass.data[DATA_EXTRA_MODULE_URL].urls if url.startswith(CARD_URL)]


async def add_office(hass: HomeAssistant, root: str) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, title=f"Office {root}", options={**OFFICE_OPTIONS, "root": root}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_an_office_loads_the_console_card_in_every_browser(
    hass: HomeAssistant, mqtt: MqttMockHAClient, hass_client: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "frontend", {})
    await hass.async_block_till_done()
    assert console_urls(hass) == []  # no office yet: nothing loaded

    await add_office(hass, "care_plug")

    (url,) = console_urls(hass)
    client = await hass_client()
    response = await client.get(url)
    assert response.status == 200
    assert await response.text() == CARD_FILE.read_text(encoding="utf-8")
    assert "customElements.define" in CARD_FILE.read_text(encoding="utf-8")

    # A second office adds nothing: one card, one URL.
    await add_office(hass, "seoul")
    assert console_urls(hass) == [url]


async def test_an_office_set_up_before_the_frontend_loads_the_card_once_it_is_there(
    hass: HomeAssistant, mqtt: MqttMockHAClient
) -> None:
    await add_office(hass, "care_plug")
    assert DATA_EXTRA_MODULE_URL not in hass.data

    assert await async_setup_component(hass, "frontend", {})
    await hass.async_block_till_done()

    assert len(console_urls(hass)) == 1


async def test_a_household_alone_loads_no_console(
    hass: HomeAssistant, household: MockConfigEntry
) -> None:
    assert await async_setup_component(hass, "frontend", {})
    await hass.async_block_till_done()
    assert console_urls(hass) == []
