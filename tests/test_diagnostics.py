"""Diagnostics: what support sees of a household, with nothing that names or quotes anyone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.care_plug import DOMAIN

from .conftest import HOUSEHOLD_OPTIONS, set_sources

START = datetime(2026, 1, 15, 6, 0, 0, tzinfo=UTC)
ENTRY_ID = "01KCAREPLUGDIAGNOSTICS0001"
NOTE = "Rang Mum's neighbour Mrs Kim on 010-1234-5678; she is visiting now."


async def _diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    admin: MockUser,
    entry: MockConfigEntry,
) -> dict[str, Any]:
    """The diagnostics download as the UI fetches it, with a token valid at the frozen time."""
    token = hass.auth.async_create_access_token(next(iter(admin.refresh_tokens.values())))

    async def client() -> TestClient[Any, Any]:
        session: TestClient[Any, Any] = await hass_client(token)
        return session

    data: dict[str, Any] = await get_diagnostics_for_config_entry(hass, client, entry)
    return data


async def test_diagnostics_show_the_household_without_personal_data(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_admin_user: MockUser,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """An alerted, acknowledged household: status and engine state, no name, no note."""
    freezer.move_to(START)
    set_sources(hass)
    entry = MockConfigEntry(
        domain=DOMAIN, title="Mum", options=HOUSEHOLD_OPTIONS, entry_id=ENTRY_ID
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    # The kettle at 06:05, the TV's plug drops off at 06:30, nothing else until 07:10.
    freezer.move_to(START + timedelta(minutes=5))
    hass.states.async_set("sensor.kettle_power", "1900", {"device_class": "power"})
    await hass.async_block_till_done()
    freezer.move_to(START + timedelta(minutes=30))
    hass.states.async_set("sensor.tv_power", "unavailable", {"device_class": "power"})
    await hass.async_block_till_done()
    freezer.move_to(START + timedelta(hours=1, minutes=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await hass.services.async_call(
        DOMAIN,
        "acknowledge",
        {"config_entry_id": entry.entry_id, "note": NOTE},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    await hass.async_block_till_done()

    diagnostics = await _diagnostics(hass, hass_client, hass_admin_user, entry)

    assert diagnostics == snapshot
    dump = json.dumps(diagnostics)
    assert "Mum" not in dump
    assert NOTE not in dump
    assert "Mrs Kim" not in dump
    assert hass_admin_user.name is not None
    assert hass_admin_user.name not in dump
    # What support needs is all there.
    status = diagnostics["status"]
    assert (status["level"], status["acknowledged"], status["monitoring"]) == (
        "attention",
        True,
        "degraded",
    )
    assert status["household"] == "**REDACTED**"
    entry_data = diagnostics["entry"]
    assert entry_data["title"] == "**REDACTED**"
    assert entry_data["options"]["name"] == "**REDACTED**"
    assert entry_data["options"]["power_sources"] == ["sensor.tv_power", "sensor.kettle_power"]
