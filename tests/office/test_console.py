"""The office console card: served by the integration and loaded into the frontend once a
welfare office is set up, and only then (the browser check is tests/e2e/test_console.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import MagicMock

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    MqttMockHAClient,
    MqttMockPahoClient,
    WebSocketGenerator,
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


async def add_office(hass: HomeAssistant, root: str) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, title=f"Office {root}", options={**OFFICE_OPTIONS, "root": root}
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def report(hass: HomeAssistant, root: str, office_id: str, at: datetime) -> None:
    """A box's status arrives at the office listening under `root`."""
    status = {
        "schema": 1,
        "office_id": office_id,
        "name": None,
        "level": "normal",
        "reason": "none",
        "alert_id": None,
        "acknowledged": False,
        "monitoring": "ok",
        "last_activity": (at - timedelta(minutes=10)).isoformat(),
        "inactive_seconds": 600,
        "next_escalation": None,
        "next_level": None,
        "away_until": None,
        "sources_online": 2,
        "sources_total": 2,
        "routine_ready": True,
        "explanation": None,
        "seq": 1,
        "sent_at": at.isoformat(),
    }
    async_fire_mqtt_message(hass, f"{root}/{office_id}/status", json.dumps(status), qos=1)
    await hass.async_block_till_done()


def device_of(hass: HomeAssistant, entry: MockConfigEntry, office_id: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"{entry.entry_id}_{office_id}"), entry.entry_id
    )
    assert device is not None
    return device.id


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


async def test_the_console_reads_when_each_office_last_heard_from_each_box(
    hass: HomeAssistant,
    mqtt: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    # From the present on: the websocket client's token must not be from the future.
    now = datetime.now(UTC).replace(microsecond=0)
    freezer.move_to(now)
    assert await async_setup_component(hass, "websocket_api", {})
    gangnam = await add_office(hass, "care_plug")
    seoul = await add_office(hass, "seoul")
    await report(hass, "care_plug", "GN-0142", now)
    freezer.move_to(now + timedelta(minutes=2))
    await report(hass, "seoul", "SE-0001", now + timedelta(minutes=2))
    client = await hass_ws_client(hass)

    async def ask(**question: str) -> Any:
        await client.send_json_auto_id({"type": "care_plug/office_last_heard", **question})
        answer = await client.receive_json()
        assert answer["success"], answer
        return answer["result"]["last_heard"]

    gn, se = device_of(hass, gangnam, "GN-0142"), device_of(hass, seoul, "SE-0001")
    assert await ask() == {gn: now.isoformat(), se: (now + timedelta(minutes=2)).isoformat()}
    # One office's households only, as a card with `entry_id` asks.
    assert await ask(entry_id=seoul.entry_id) == {se: (now + timedelta(minutes=2)).isoformat()}
    assert await ask(entry_id="no such office") == {}
