"""Source health as a household meets it: offline sources, lost monitoring, bad states, silence.

The household (conftest) watches five sources: two appliances (TV, kettle), a fridge
(background power), a light sensor and a motion sensor; 1 h / 2 h / 3 h thresholds and
the default 15 minutes before lost monitoring raises an alert and 6 h before a silent
power or light sensor counts as offline.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.care_plug import DOMAIN

from .common import attribute as _attr
from .common import value as _state

START = datetime(2026, 1, 15, 10, 0, 0, tzinfo=UTC)

MONITORING = "sensor.mum_monitoring"
SOURCES_ONLINE = "sensor.mum_sources_online"
CARE_LEVEL = "sensor.mum_care_level"
LAST_ACTIVITY = "sensor.mum_last_activity"
ACTIVITY_TODAY = "sensor.mum_activity_today"
CARE_ALERT = "event.mum_care_alert"

TV = "sensor.tv_power"
KETTLE = "sensor.kettle_power"
FRIDGE = "sensor.fridge_power"
LUX = "sensor.living_room_illuminance"
MOTION = "binary_sensor.hallway_motion"
ALL_OK = {TV: "ok", KETTLE: "ok", FRIDGE: "ok", LUX: "ok", MOTION: "ok"}


@pytest.fixture
async def household_at_start(
    hass: HomeAssistant, household_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    """The household set up at START, so every time in an event is known exactly."""
    freezer.move_to(START)
    assert await hass.config_entries.async_setup(household_entry.entry_id)
    await hass.async_block_till_done()
    return household_entry


async def _at(hass: HomeAssistant, freezer: FrozenDateTimeFactory, offset: timedelta) -> None:
    """Let the clock run to START + `offset`; timers due by then fire."""
    freezer.move_to(START + offset)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def _set(hass: HomeAssistant, entity_id: str, state: str, *, force_update: bool = False) -> None:
    """A new state for a source, keeping its attributes (device class and unit)."""
    current = hass.states.get(entity_id)
    attributes = None if current is None else current.attributes
    hass.states.async_set(entity_id, state, attributes, force_update=force_update)


def _device_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, entry.entry_id), entry.entry_id
    )
    assert device is not None
    return device.id


def _problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Errors logged anywhere (an exception in a callback), and anything Care Plug logged."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.name.startswith("custom_components")
    ]


def _care(events: list[Event[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The captured care events' payloads, and forget them."""
    payloads = [dict(event.data) for event in events]
    events.clear()
    return payloads


async def test_sources_going_offline_one_by_one_then_coming_back(
    hass: HomeAssistant, household_at_start: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """ok -> degraded -> lost -> attention (monitoring_lost) -> restored and resolved."""
    entry = household_at_start
    events = async_capture_events(hass, "care_plug_event")
    common = {
        "entry_id": entry.entry_id,
        "device_id": _device_id(hass, entry),
        "household": "Mum",
        "last_activity": None,
        "last_activity_entity": None,
    }
    assert _state(hass, MONITORING) == "ok"
    assert _state(hass, SOURCES_ONLINE) == "5"
    assert _attr(hass, SOURCES_ONLINE, "sources_total") == 5
    assert _attr(hass, SOURCES_ONLINE, "sources") == ALL_OK

    # The TV's plug drops off the network: some sources offline, the others still watch.
    await _at(hass, freezer, timedelta(minutes=1))
    _set(hass, TV, "unavailable")
    await hass.async_block_till_done()
    assert _state(hass, MONITORING) == "degraded"
    assert _state(hass, SOURCES_ONLINE) == "4"
    assert _attr(hass, SOURCES_ONLINE, "sources") == {**ALL_OK, TV: "unavailable"}
    assert _care(events) == [
        {
            **common,
            "type": "monitoring",
            "level": "normal",
            "previous_level": "normal",
            "reason": "none",
            "alert_id": None,
            "inactive_seconds": 60,
            "monitoring": "degraded",
            "previous_monitoring": "ok",
            "message": (
                "Mum: some activity sources are offline; monitoring continues with the others."
            ),
        }
    ]
    # A degraded home is no alert: the event entity has nothing to tell yet.
    assert _state(hass, CARE_ALERT) == "unknown"

    # More sources go, one by one: still degraded, no further event, the count goes down.
    health = {**ALL_OK, TV: "unavailable"}
    for minute, entity_id, online in ((2, KETTLE, "3"), (3, FRIDGE, "2"), (4, LUX, "1")):
        await _at(hass, freezer, timedelta(minutes=minute))
        _set(hass, entity_id, "unavailable")
        await hass.async_block_till_done()
        health[entity_id] = "unavailable"
        assert _state(hass, MONITORING) == "degraded"
        assert _state(hass, SOURCES_ONLINE) == online
        assert _attr(hass, SOURCES_ONLINE, "sources") == health
        assert _care(events) == []

    # The last activity source goes: the home cannot be seen at all.
    await _at(hass, freezer, timedelta(minutes=5))
    _set(hass, MOTION, "unavailable")
    await hass.async_block_till_done()
    assert _state(hass, MONITORING) == "lost"
    assert _state(hass, SOURCES_ONLINE) == "0"
    assert _attr(hass, SOURCES_ONLINE, "sources") == dict.fromkeys(ALL_OK, "unavailable")
    assert _state(hass, CARE_LEVEL) == "normal"
    assert _care(events) == [
        {
            **common,
            "type": "monitoring",
            "level": "normal",
            "previous_level": "normal",
            "reason": "none",
            "alert_id": None,
            "inactive_seconds": 300,
            "monitoring": "lost",
            "previous_monitoring": "degraded",
            "message": "Mum: every activity source is offline, so the home cannot be seen.",
        }
    ]
    assert _attr(hass, CARE_ALERT, "event_type") == "monitoring_lost"

    # Lost for 15 minutes less a second: no alert yet.
    await _at(hass, freezer, timedelta(minutes=19, seconds=59))
    assert _state(hass, CARE_LEVEL) == "normal"
    assert _care(events) == []

    # Lost for 15 minutes: attention, because the home cannot be seen (not for inactivity).
    await _at(hass, freezer, timedelta(minutes=20))
    assert _state(hass, CARE_LEVEL) == "attention"
    assert _attr(hass, CARE_LEVEL, "reason") == "monitoring_lost"
    assert _attr(hass, CARE_LEVEL, "alert_id") == "20260115T102000Z-1"
    assert _state(hass, MONITORING) == "lost"
    assert _care(events) == [
        {
            **common,
            "type": "alert",
            "level": "attention",
            "previous_level": "normal",
            "reason": "monitoring_lost",
            "alert_id": "20260115T102000Z-1",
            "inactive_seconds": 1200,
            "monitoring": "lost",
            "message": (
                "Mum: the home cannot be seen because every activity source is offline,"
                " and there has been no sign of activity for 20 min; care level is now attention."
            ),
        }
    ]
    assert _attr(hass, CARE_ALERT, "event_type") == "attention"

    # The motion sensor reconnects (showing no motion): the home can be seen again and
    # the episode ends, without the motion sensor counting as activity.
    await _at(hass, freezer, timedelta(minutes=25))
    _set(hass, MOTION, "off")
    await hass.async_block_till_done()
    assert _state(hass, MONITORING) == "degraded"
    assert _state(hass, SOURCES_ONLINE) == "1"
    assert _attr(hass, SOURCES_ONLINE, "sources") == {
        **dict.fromkeys(ALL_OK, "unavailable"),
        MOTION: "ok",
    }
    assert _state(hass, CARE_LEVEL) == "normal"
    assert _attr(hass, CARE_LEVEL, "reason") == "none"
    assert _attr(hass, CARE_LEVEL, "alert_id") is None
    assert _state(hass, LAST_ACTIVITY) == "unknown"
    assert _care(events) == [
        {
            **common,
            "type": "monitoring",
            "level": "attention",
            "previous_level": "attention",
            "reason": "monitoring_lost",
            "alert_id": "20260115T102000Z-1",
            "inactive_seconds": 1500,
            "monitoring": "degraded",
            "previous_monitoring": "lost",
            "message": (
                "Mum: the home can be seen again, but some activity sources are still offline;"
                " care level is still attention, with no sign of activity for 25 min."
            ),
        },
        {
            **common,
            "type": "resolved",
            "level": "normal",
            "previous_level": "attention",
            "reason": "monitoring_lost",
            "alert_id": "20260115T102000Z-1",
            "inactive_seconds": 1500,
            "monitoring": "degraded",
            "resolved_by": "monitoring_restored",
            "message": (
                "Mum: activity sources are back online; care level is back from attention"
                " to normal."
            ),
        },
    ]
    assert _attr(hass, CARE_ALERT, "event_type") == "resolved"
    assert _attr(hass, CARE_ALERT, "resolved_by") == "monitoring_restored"

    # Every source back: monitoring is ok again, and that is one more monitoring event.
    await _at(hass, freezer, timedelta(minutes=26))
    for entity_id, state in ((TV, "0.4"), (KETTLE, "0"), (FRIDGE, "85"), (LUX, "3")):
        _set(hass, entity_id, state)
    await hass.async_block_till_done()
    assert _state(hass, MONITORING) == "ok"
    assert _state(hass, SOURCES_ONLINE) == "5"
    assert _attr(hass, SOURCES_ONLINE, "sources") == ALL_OK
    assert [(e["type"], e["previous_monitoring"], e["monitoring"]) for e in _care(events)] == [
        ("monitoring", "degraded", "ok")
    ]
    # Reconnecting sources are not a person: nothing counted as activity all along.
    assert _state(hass, ACTIVITY_TODAY) == "0"
    assert _state(hass, LAST_ACTIVITY) == "unknown"


async def test_monitoring_lost_while_already_alerted_for_inactivity_keeps_the_reason(
    hass: HomeAssistant, household_at_start: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Lost monitoring does not replace an inactivity alert, and its return resolves nothing."""
    events = async_capture_events(hass, "care_plug_event")
    await _at(hass, freezer, timedelta(hours=1))
    assert _state(hass, CARE_LEVEL) == "attention"
    assert _attr(hass, CARE_LEVEL, "reason") == "inactivity"

    for entity_id in (TV, KETTLE, LUX, MOTION):
        _set(hass, entity_id, "unavailable")
    await hass.async_block_till_done()
    await _at(hass, freezer, timedelta(hours=1, minutes=30))
    assert _state(hass, MONITORING) == "lost"
    assert _state(hass, CARE_LEVEL) == "attention"
    assert _attr(hass, CARE_LEVEL, "reason") == "inactivity"

    _set(hass, MOTION, "off")
    await hass.async_block_till_done()
    assert _state(hass, MONITORING) == "degraded"
    assert _state(hass, CARE_LEVEL) == "attention"
    assert _attr(hass, CARE_LEVEL, "reason") == "inactivity"
    assert [(e["type"], e["level"], e["monitoring"]) for e in _care(events)] == [
        ("alert", "attention", "ok"),
        ("monitoring", "attention", "degraded"),
        ("monitoring", "attention", "lost"),
        ("monitoring", "attention", "degraded"),
    ]


# Malformed power readings and the health each gives the source.
BAD_POWER_STATES = {
    "abc": "invalid",
    "nan": "invalid",
    "inf": "invalid",
    "-5": "invalid",
    "1e9": "invalid",  # absurd: more than any household appliance draws
    "": "unavailable",
    "unknown": "unavailable",
}


@pytest.mark.parametrize("bad_state", list(BAD_POWER_STATES))
async def test_malformed_power_state_is_no_activity(
    hass: HomeAssistant,
    household_at_start: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    bad_state: str,
) -> None:
    """A bad reading marks the source unhealthy; it is never activity and never crashes."""
    caplog.set_level(logging.INFO)
    events = async_capture_events(hass, "care_plug_event")

    await _at(hass, freezer, timedelta(minutes=1))
    _set(hass, TV, bad_state)
    await hass.async_block_till_done()
    assert _attr(hass, SOURCES_ONLINE, "sources") == {**ALL_OK, TV: BAD_POWER_STATES[bad_state]}
    assert _state(hass, SOURCES_ONLINE) == "4"
    assert _state(hass, MONITORING) == "degraded"

    # Back to the standby level it had before: the source is healthy and nobody did anything.
    await _at(hass, freezer, timedelta(minutes=2))
    _set(hass, TV, "0.4")
    await hass.async_block_till_done()
    assert _attr(hass, SOURCES_ONLINE, "sources") == ALL_OK
    assert _state(hass, MONITORING) == "ok"
    assert _state(hass, ACTIVITY_TODAY) == "0"
    assert _state(hass, LAST_ACTIVITY) == "unknown"
    assert [(e["type"], e["monitoring"]) for e in _care(events)] == [
        ("monitoring", "degraded"),
        ("monitoring", "ok"),
    ]

    # The bad reading did not stop the clock either: an hour without activity is attention.
    await _at(hass, freezer, timedelta(hours=1))
    assert _state(hass, CARE_LEVEL) == "attention"
    assert _attr(hass, CARE_LEVEL, "reason") == "inactivity"
    assert hass.config_entries.async_get_entry(household_at_start.entry_id) is not None
    assert household_at_start.state is ConfigEntryState.LOADED
    assert _problems(caplog) == []


async def test_malformed_states_on_every_source_lose_monitoring_not_the_person(
    hass: HomeAssistant,
    household_at_start: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every source sending nonsense: the home cannot be seen; no activity, no crash."""
    caplog.set_level(logging.INFO)
    bad = {TV: "abc", KETTLE: "nan", FRIDGE: "-5", LUX: "", MOTION: "unknown"}
    for minute, (entity_id, state) in enumerate(bad.items(), start=1):
        await _at(hass, freezer, timedelta(minutes=minute))
        _set(hass, entity_id, state)
        await hass.async_block_till_done()
    assert _attr(hass, SOURCES_ONLINE, "sources") == {
        TV: "invalid",
        KETTLE: "invalid",
        FRIDGE: "invalid",
        LUX: "unavailable",
        MOTION: "unavailable",
    }
    assert _state(hass, SOURCES_ONLINE) == "0"
    assert _state(hass, MONITORING) == "lost"
    assert _state(hass, ACTIVITY_TODAY) == "0"

    # The other bad values in turn on each source: still nothing, still lost.
    for state in ("abc", "nan", "-5", "", "unknown"):
        for entity_id in bad:
            _set(hass, entity_id, state)
        await hass.async_block_till_done()
    assert _state(hass, SOURCES_ONLINE) == "0"
    assert _state(hass, ACTIVITY_TODAY) == "0"
    assert _state(hass, LAST_ACTIVITY) == "unknown"

    # Lost since the motion sensor went at minute 5: attention for lost monitoring at 20.
    await _at(hass, freezer, timedelta(minutes=20))
    assert _state(hass, CARE_LEVEL) == "attention"
    assert _attr(hass, CARE_LEVEL, "reason") == "monitoring_lost"

    # A real motion after all that: activity, and everything that says so.
    await _at(hass, freezer, timedelta(minutes=21))
    _set(hass, MOTION, "off")
    _set(hass, MOTION, "on")
    await hass.async_block_till_done()
    assert _state(hass, ACTIVITY_TODAY) == "1"
    assert _attr(hass, LAST_ACTIVITY, "entity_id") == MOTION
    assert _state(hass, CARE_LEVEL) == "normal"
    assert household_at_start.state is ConfigEntryState.LOADED
    assert _problems(caplog) == []


async def test_a_silent_power_sensor_goes_stale_one_that_keeps_reporting_does_not(
    hass: HomeAssistant, household_at_start: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """No report for more than 6 h: offline. The same value reported again: online."""
    events = async_capture_events(hass, "care_plug_event")
    # Every hour the kettle and the light sensor write the value they had (HA's
    # `state_reported`), and the fridge's integration forces an update of the same value.
    # The TV's plug says nothing at all; the motion sensor neither, but silence is normal
    # for motion.
    for hour in range(1, 6):
        await _at(hass, freezer, timedelta(hours=hour))
        _set(hass, KETTLE, "0")
        _set(hass, LUX, "3")
        _set(hass, FRIDGE, "85", force_update=True)
        await hass.async_block_till_done()

    await _at(hass, freezer, timedelta(hours=5, minutes=59, seconds=59))
    assert _state(hass, SOURCES_ONLINE) == "5"
    assert _state(hass, MONITORING) == "ok"
    assert [e for e in _care(events) if e["type"] == "monitoring"] == []

    await _at(hass, freezer, timedelta(hours=6, seconds=1))
    assert _state(hass, SOURCES_ONLINE) == "4"
    assert _attr(hass, SOURCES_ONLINE, "sources") == {**ALL_OK, TV: "stale"}
    assert _state(hass, MONITORING) == "degraded"
    monitoring = [e for e in _care(events) if e["type"] == "monitoring"]
    assert [(e["previous_monitoring"], e["monitoring"]) for e in monitoring] == [("ok", "degraded")]
    # Silence from a dead plug is not taken for the person's silence: what the level says
    # comes from the hours without activity, as before.
    assert _state(hass, CARE_LEVEL) == "critical"
    assert _attr(hass, CARE_LEVEL, "reason") == "inactivity"

    # The TV's plug reports its unchanged standby draw: online again, no activity.
    await _at(hass, freezer, timedelta(hours=6, minutes=5))
    _set(hass, TV, "0.4")
    await hass.async_block_till_done()
    assert _state(hass, SOURCES_ONLINE) == "5"
    assert _attr(hass, SOURCES_ONLINE, "sources") == ALL_OK
    assert _state(hass, MONITORING) == "ok"
    assert _state(hass, ACTIVITY_TODAY) == "0"
    assert [(e["type"], e["monitoring"]) for e in _care(events)] == [("monitoring", "ok")]


async def test_every_numeric_source_silent_loses_monitoring_only_with_no_presence(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Plugs and light sensors that all fall silent leave a home that cannot be seen."""
    freezer.move_to(START)
    hass.states.async_set("sensor.tv_power", "0.4", {"device_class": "power"})
    hass.states.async_set("sensor.living_room_illuminance", "3", {"device_class": "illuminance"})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Dad",
        options={
            "name": "Dad",
            "power_sources": [TV],
            "light_sources": [LUX],
            "risk_group": "custom",
            "attention_after": {"hours": 8},
            "warning_after": {"hours": 10},
            "critical_after": {"hours": 12},
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, "care_plug_event")

    await _at(hass, freezer, timedelta(hours=6, seconds=1))
    assert _state(hass, "sensor.dad_monitoring") == "lost"
    assert _attr(hass, "sensor.dad_sources_online", "sources") == {TV: "stale", LUX: "stale"}
    await _at(hass, freezer, timedelta(hours=6, minutes=15))
    assert _state(hass, "sensor.dad_care_level") == "attention"
    assert _attr(hass, "sensor.dad_care_level", "reason") == "monitoring_lost"
    assert [(e["type"], e["monitoring"], e["reason"]) for e in _care(events)] == [
        ("monitoring", "lost", "none"),
        ("alert", "lost", "monitoring_lost"),
    ]

    # The light sensor speaks again with the same value: restored, episode over.
    _set(hass, LUX, "3")
    await hass.async_block_till_done()
    assert _state(hass, "sensor.dad_monitoring") == "degraded"
    assert _state(hass, "sensor.dad_care_level") == "normal"
    assert [(e["type"], e.get("resolved_by")) for e in _care(events)] == [
        ("monitoring", None),
        ("resolved", "monitoring_restored"),
    ]
