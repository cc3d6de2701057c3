"""Setting a household up, unloading, reloading and removing it; bad options; start-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    EVENT_HOMEASSISTANT_STARTED,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from .common import move_to, state_of, value
from .conftest import HOUSEHOLD_OPTIONS, set_sources

T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 08:00 local (US/Pacific)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
POWER = {"device_class": "power", "unit_of_measurement": "W"}

ENTITIES = {
    "sensor.mum_care_level": "normal",
    "sensor.mum_last_activity": STATE_UNKNOWN,
    "sensor.mum_next_escalation": (T0 + HOUR).isoformat(),
    "sensor.mum_monitoring": "ok",
    "sensor.mum_activity_today": "0",
    "sensor.mum_sources_online": "5",
    "sensor.mum_routine_learned": "0.0",
    "binary_sensor.mum_alert": STATE_OFF,
    "button.mum_check_in": STATE_UNKNOWN,
    "button.mum_acknowledge": STATE_UNKNOWN,
    "switch.mum_away": STATE_OFF,
    "event.mum_care_alert": STATE_UNKNOWN,
}

pytestmark = pytest.mark.freeze_time(T0)


def store_key(entry: MockConfigEntry) -> str:
    return f"{DOMAIN}.{entry.entry_id}"


def care_events(events: list[Any]) -> list[tuple[str, str]]:
    return [(e.data["type"], e.data["level"]) for e in events]


# ---------------------------------------------------------------- setup and unload


async def test_setup_creates_one_service_device_with_all_entities(
    hass: HomeAssistant, household: MockConfigEntry
) -> None:
    assert household.state is ConfigEntryState.LOADED
    assert {entity_id: value(hass, entity_id) for entity_id in ENTITIES} == ENTITIES

    devices = dr.async_entries_for_config_entry(dr.async_get(hass), household.entry_id)
    assert len(devices) == 1
    device = devices[0]
    assert device.identifiers == {(DOMAIN, household.entry_id)}
    assert (device.name, device.entry_type, device.manufacturer, device.model) == (
        "Mum",
        dr.DeviceEntryType.SERVICE,
        "Care Plug",
        "Household",
    )
    entries = er.async_entries_for_config_entry(er.async_get(hass), household.entry_id)
    assert {e.entity_id for e in entries} == set(ENTITIES)
    assert {e.device_id for e in entries} == {device.id}
    assert {e.unique_id for e in entries} == {
        f"{household.entry_id}_{key}"
        for key in (
            "care_level",
            "last_activity",
            "next_escalation",
            "monitoring",
            "activity_today",
            "sources_online",
            "routine_days",
            "alert",
            "check_in",
            "acknowledge",
            "away",
            "care_alert",
        )
    }


async def test_unload_stops_watching_and_saves_the_household(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    await move_to(hass, freezer, T0 + HOUR)
    assert value(hass, "sensor.mum_care_level") == "attention"
    freezer.move_to(T0 + HOUR + 2 * SECOND)  # before the delayed save

    assert await hass.config_entries.async_unload(household.entry_id)
    await hass.async_block_till_done()

    assert household.state is ConfigEntryState.NOT_LOADED
    assert {value(hass, entity_id) for entity_id in ENTITIES} == {STATE_UNAVAILABLE}
    saved = hass_storage[store_key(household)]["data"]
    assert saved["saved_at"] == (T0 + HOUR + 2 * SECOND).isoformat()
    assert saved["engine"]["level"] == "attention"
    assert saved["engine"]["alert_id"] == "20260302T170000Z-1"

    # Nothing is watched and no timer is left.
    events = async_capture_events(hass, EVENT_CARE)
    hass.states.async_set("sensor.kettle_power", "2000", POWER)
    await move_to(hass, freezer, T0 + 5 * HOUR)
    assert events == []
    assert hass_storage[store_key(household)]["data"] == saved


async def test_reload_keeps_the_clock_the_level_and_the_alert(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await move_to(hass, freezer, T0 + 2 * HOUR)
    assert value(hass, "sensor.mum_care_level") == "warning"
    alert_id = state_of(hass, "sensor.mum_care_level").attributes["alert_id"]
    assert alert_id == "20260302T170000Z-1"
    shown = state_of(hass, "event.mum_care_alert")
    assert shown.attributes["event_type"] == "warning"

    events = async_capture_events(hass, EVENT_CARE)
    freezer.move_to(T0 + 2 * HOUR + 10 * MINUTE)
    assert await hass.config_entries.async_reload(household.entry_id)
    await hass.async_block_till_done()

    assert household.state is ConfigEntryState.LOADED
    assert value(hass, "sensor.mum_care_level") == "warning"
    assert value(hass, "binary_sensor.mum_alert") == STATE_ON
    assert state_of(hass, "sensor.mum_care_level").attributes["alert_id"] == alert_id
    assert value(hass, "sensor.mum_next_escalation") == (T0 + 3 * HOUR).isoformat()
    # The event entity still shows the warning it fired before the reload.
    assert value(hass, "event.mum_care_alert") == shown.state
    assert state_of(hass, "event.mum_care_alert").attributes["event_type"] == "warning"
    assert events == []

    # The reminder and the next threshold keep their original times.
    await move_to(hass, freezer, T0 + 2 * HOUR + 30 * MINUTE)
    assert care_events(events) == [("reminder", "warning")]
    await move_to(hass, freezer, T0 + 3 * HOUR - SECOND)
    assert value(hass, "sensor.mum_care_level") == "warning"
    await move_to(hass, freezer, T0 + 3 * HOUR)
    assert value(hass, "sensor.mum_care_level") == "critical"
    assert care_events(events) == [("reminder", "warning"), ("alert", "critical")]
    assert events[-1].data["alert_id"] == alert_id
    assert events[-1].data["inactive_seconds"] == 3 * 3600
    assert "downtime_seconds" not in events[-1].data


async def test_remove_forgets_the_stored_state_and_the_repair_issues(
    hass: HomeAssistant,
    household_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    key = store_key(household_entry)
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": {"engine": {}}}
    assert await hass.config_entries.async_setup(household_entry.entry_id)
    await hass.async_block_till_done()
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, f"state_reset_{household_entry.entry_id}") is not None
    # A source that is gone raises an issue too.
    hass.states.async_remove("sensor.kettle_power")
    await hass.async_block_till_done()
    missing = f"missing_source_{household_entry.entry_id}_sensor.kettle_power"
    assert issues.async_get_issue(DOMAIN, missing) is not None
    await move_to(hass, freezer, T0 + HOUR)
    assert key in hass_storage

    assert await hass.config_entries.async_remove(household_entry.entry_id) == {
        "require_restart": False
    }
    await hass.async_block_till_done()

    assert key not in hass_storage
    assert issues.async_get_issue(DOMAIN, f"state_reset_{household_entry.entry_id}") is None
    assert issues.async_get_issue(DOMAIN, missing) is None
    assert hass.states.get("sensor.mum_care_level") is None


# ---------------------------------------------------------------- options the engine rejects


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (
            {"power_sources": [], "light_sources": [], "presence_sources": []},
            "no activity source: name at least one entity in power_sources, light_sources, "
            "presence_sources or other_sources",
        ),
        (
            {"warning_after": {"minutes": 30}},
            "warning_after must be longer than attention_after",
        ),
        (
            {"presence_sources": ["sensor.tv_power"]},
            "sensor.tv_power is listed in two roles",
        ),
    ],
    ids=["no_activity_source", "thresholds_not_rising", "entity_in_two_roles"],
)
async def test_options_the_engine_rejects_fail_setup_with_a_translated_error(
    hass: HomeAssistant, changes: dict[str, Any], error: str
) -> None:
    set_sources(hass)
    entry = MockConfigEntry(domain=DOMAIN, title="Mum", options=HOUSEHOLD_OPTIONS | changes)
    entry.add_to_hass(hass)

    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == (
        f"The household's options cannot be used: {error}. Open its options and save them again"
    )
    assert entry.error_reason_translation_key == "invalid_options"
    assert hass.states.get("sensor.mum_care_level") is None


# ---------------------------------------------------------------- start-up


async def test_a_household_set_up_while_home_assistant_starts_waits_until_it_has_started(
    hass: HomeAssistant, household_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    hass.set_state(CoreState.not_running)
    events = async_capture_events(hass, EVENT_CARE)
    assert await hass.config_entries.async_setup(household_entry.entry_id)
    await hass.async_block_till_done()
    assert household_entry.state is ConfigEntryState.LOADED
    assert value(hass, "sensor.mum_care_level") == "normal"

    # While other integrations load, their entities come and go: not watched yet.
    freezer.move_to(T0 + MINUTE)
    hass.states.async_set("sensor.kettle_power", "unavailable", POWER)
    hass.states.async_set("binary_sensor.hallway_motion", STATE_ON, {"device_class": "motion"})
    await hass.async_block_till_done()
    freezer.move_to(T0 + 2 * MINUTE)
    hass.states.async_set("sensor.kettle_power", "0", POWER)
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_sources_online") == "5"
    assert value(hass, "sensor.mum_activity_today") == "0"
    assert value(hass, "sensor.mum_last_activity") == STATE_UNKNOWN
    assert events == []

    freezer.move_to(T0 + 3 * MINUTE)
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await hass.async_block_till_done()

    # Now it reads the sources as they are and follows them.
    assert value(hass, "sensor.mum_sources_online") == "5"
    assert value(hass, "sensor.mum_activity_today") == "0"
    freezer.move_to(T0 + 4 * MINUTE)
    hass.states.async_set("sensor.kettle_power", "2000", POWER)
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_activity_today") == "1"
    assert value(hass, "sensor.mum_last_activity") == (T0 + 4 * MINUTE).isoformat()
    assert state_of(hass, "sensor.mum_last_activity").attributes["entity_id"] == (
        "sensor.kettle_power"
    )
    assert events == []
