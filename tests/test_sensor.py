"""The household's sensors as a user sees them: levels, activity, health, and quiet when idle.

The `household` fixture watches Mum's home with thresholds of 1 h (attention), 2 h
(warning) and 3 h (critical). Time is frozen at T0 (08:00 in Home Assistant's test time
zone, US/Pacific) and moved on with the `freezer`; a timer fires only when
`async_fire_time_changed` says its moment has come.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import (
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.care_plug.const import EVENT_CARE

from .common import move_to, state_of, value

T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 08:00 local (US/Pacific)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
POWER = {"device_class": "power", "unit_of_measurement": "W"}
LUX = {"device_class": "illuminance", "unit_of_measurement": "lx"}
MOTION = {"device_class": "motion"}

CARE_LEVEL = "sensor.mum_care_level"
LAST_ACTIVITY = "sensor.mum_last_activity"
NEXT_ESCALATION = "sensor.mum_next_escalation"
MONITORING = "sensor.mum_monitoring"
ACTIVITY_TODAY = "sensor.mum_activity_today"
SOURCES_ONLINE = "sensor.mum_sources_online"
ALERT = "binary_sensor.mum_alert"

pytestmark = pytest.mark.freeze_time(T0)


async def set_state(
    hass: HomeAssistant, entity_id: str, state: str, attributes: dict[str, Any]
) -> None:
    hass.states.async_set(entity_id, state, attributes)
    await hass.async_block_till_done()


def iso(moment: datetime) -> str:
    return moment.isoformat()


def alerts(events: list[Event[dict[str, Any]]]) -> list[tuple[str, str]]:
    """(level, previous_level) of every `alert` care event, in order."""
    return [
        (e.data["level"], e.data["previous_level"]) for e in events if e.data["type"] == "alert"
    ]


# ---------------------------------------------------------------- escalation


async def test_levels_rise_exactly_at_each_threshold(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    assert value(hass, CARE_LEVEL) == "normal"
    assert value(hass, ALERT) == STATE_OFF
    assert value(hass, NEXT_ESCALATION) == iso(T0 + HOUR)
    assert state_of(hass, NEXT_ESCALATION).attributes["level"] == "attention"

    steps = [
        (T0 + HOUR, "attention", STATE_OFF, iso(T0 + 2 * HOUR), "warning"),
        (T0 + 2 * HOUR, "warning", STATE_ON, iso(T0 + 3 * HOUR), "critical"),
        (T0 + 3 * HOUR, "critical", STATE_ON, STATE_UNKNOWN, None),
    ]
    previous = ("normal", STATE_OFF, iso(T0 + HOUR))
    for threshold, level, alert, next_escalation, next_level in steps:
        await move_to(hass, freezer, threshold - SECOND)
        assert (value(hass, CARE_LEVEL), value(hass, ALERT), value(hass, NEXT_ESCALATION)) == (
            previous
        )
        await move_to(hass, freezer, threshold)
        assert value(hass, CARE_LEVEL) == level
        assert value(hass, ALERT) == alert
        assert value(hass, NEXT_ESCALATION) == next_escalation
        assert state_of(hass, NEXT_ESCALATION).attributes["level"] == next_level
        previous = (level, alert, next_escalation)

    care_level = state_of(hass, CARE_LEVEL)
    assert care_level.attributes["reason"] == "inactivity"
    assert care_level.attributes["alert_id"] == "20260302T170000Z-1"
    assert care_level.attributes["acknowledged"] is False
    assert alerts(events) == [
        ("attention", "normal"),
        ("warning", "attention"),
        ("critical", "warning"),
    ]
    assert [e.data["inactive_seconds"] for e in events if e.data["type"] == "alert"] == [
        3600,
        7200,
        10800,
    ]
    assert {e.data["alert_id"] for e in events} == {"20260302T170000Z-1"}


async def test_real_activity_brings_the_household_back_to_normal(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    assert value(hass, LAST_ACTIVITY) == STATE_UNKNOWN
    assert state_of(hass, LAST_ACTIVITY).attributes["entity_id"] is None
    await move_to(hass, freezer, T0 + 2 * HOUR)
    assert value(hass, CARE_LEVEL) == "warning"
    events = async_capture_events(hass, EVENT_CARE)

    kettle_on = T0 + 2 * HOUR + 7 * MINUTE
    freezer.move_to(kettle_on)
    await set_state(hass, "sensor.kettle_power", "2000", POWER)

    assert value(hass, CARE_LEVEL) == "normal"
    assert value(hass, ALERT) == STATE_OFF
    assert value(hass, LAST_ACTIVITY) == iso(kettle_on)
    assert state_of(hass, LAST_ACTIVITY).attributes["entity_id"] == "sensor.kettle_power"
    assert value(hass, NEXT_ESCALATION) == iso(kettle_on + HOUR)
    assert state_of(hass, NEXT_ESCALATION).attributes["level"] == "attention"
    care_level = state_of(hass, CARE_LEVEL)
    assert care_level.attributes["reason"] == "none"
    assert care_level.attributes["alert_id"] is None
    assert [(e.data["type"], e.data["previous_level"], e.data["resolved_by"]) for e in events] == [
        ("resolved", "warning", "activity")
    ]

    # A new episode starts from the activity, with a new alert id.
    await move_to(hass, freezer, kettle_on + HOUR)
    assert value(hass, CARE_LEVEL) == "attention"
    assert state_of(hass, CARE_LEVEL).attributes["alert_id"] == "20260302T190700Z-2"


async def test_noise_below_the_thresholds_is_not_activity(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    for minutes, tv, fridge in [(5, "0.6", "120"), (10, "0.3", "2"), (15, "0.5", "95")]:
        freezer.move_to(T0 + minutes * MINUTE)
        await set_state(hass, "sensor.tv_power", tv, POWER)
        await set_state(hass, "sensor.fridge_power", fridge, POWER)
    assert value(hass, LAST_ACTIVITY) == STATE_UNKNOWN
    assert value(hass, ACTIVITY_TODAY) == "0"
    await move_to(hass, freezer, T0 + HOUR)
    assert value(hass, CARE_LEVEL) == "attention"


# ---------------------------------------------------------------- activity today


async def test_activity_today_counts_each_activity_and_resets_at_local_midnight(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    assert value(hass, ACTIVITY_TODAY) == "0"
    assert state_of(hass, ACTIVITY_TODAY).attributes["unit_of_measurement"] == "activities"

    freezer.move_to(T0 + 5 * MINUTE)
    await set_state(hass, "sensor.kettle_power", "2000", POWER)  # switched on
    assert value(hass, ACTIVITY_TODAY) == "1"

    freezer.move_to(T0 + 8 * MINUTE)
    await set_state(hass, "sensor.kettle_power", "0", POWER)  # off: held as a possible glitch
    assert value(hass, ACTIVITY_TODAY) == "1"
    await move_to(hass, freezer, T0 + 10 * MINUTE)  # the glitch window has passed
    assert value(hass, ACTIVITY_TODAY) == "2"
    assert value(hass, LAST_ACTIVITY) == iso(T0 + 8 * MINUTE)

    freezer.move_to(T0 + 20 * MINUTE)
    await set_state(hass, "binary_sensor.hallway_motion", STATE_ON, MOTION)
    freezer.move_to(T0 + 21 * MINUTE)
    await set_state(hass, "binary_sensor.hallway_motion", STATE_OFF, MOTION)  # not activity
    assert value(hass, ACTIVITY_TODAY) == "3"
    assert state_of(hass, LAST_ACTIVITY).attributes["entity_id"] == "binary_sensor.hallway_motion"

    local_midnight = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # 00:00 US/Pacific
    await move_to(hass, freezer, local_midnight - SECOND)
    assert value(hass, ACTIVITY_TODAY) == "3"
    await move_to(hass, freezer, local_midnight)
    assert value(hass, ACTIVITY_TODAY) == "0"

    freezer.move_to(local_midnight + 6 * HOUR)
    await set_state(hass, "binary_sensor.hallway_motion", STATE_ON, MOTION)
    assert value(hass, ACTIVITY_TODAY) == "1"
    # The next midnight resets it again.
    await move_to(hass, freezer, local_midnight + 24 * HOUR)
    assert value(hass, ACTIVITY_TODAY) == "0"


async def test_an_activity_confirmed_after_midnight_counts_for_the_day_before(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    local_midnight = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # 00:00 US/Pacific
    freezer.move_to(local_midnight - 10 * MINUTE)
    await set_state(hass, "sensor.kettle_power", "2000", POWER)
    assert value(hass, ACTIVITY_TODAY) == "1"
    freezer.move_to(local_midnight - 30 * SECOND)
    await set_state(hass, "sensor.kettle_power", "0", POWER)  # confirmed two minutes later

    await move_to(hass, freezer, local_midnight)
    assert value(hass, ACTIVITY_TODAY) == "0"
    await move_to(hass, freezer, local_midnight + 2 * MINUTE)
    assert value(hass, LAST_ACTIVITY) == iso(local_midnight - 30 * SECOND)
    assert value(hass, ACTIVITY_TODAY) == "0"


# ---------------------------------------------------------------- sources and monitoring


async def test_sources_online_and_monitoring_follow_the_sources(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    assert value(hass, SOURCES_ONLINE) == "5"
    assert state_of(hass, SOURCES_ONLINE).attributes["sources_total"] == 5
    assert value(hass, MONITORING) == "ok"
    assert state_of(hass, MONITORING).attributes["away_until"] is None

    await set_state(hass, "sensor.kettle_power", "unavailable", POWER)
    await set_state(hass, "sensor.tv_power", "banana", POWER)
    assert value(hass, SOURCES_ONLINE) == "3"
    assert value(hass, MONITORING) == "degraded"
    assert state_of(hass, SOURCES_ONLINE).attributes["sources"] == {
        "sensor.tv_power": "invalid",
        "sensor.kettle_power": "unavailable",
        "sensor.fridge_power": "ok",
        "sensor.living_room_illuminance": "ok",
        "binary_sensor.hallway_motion": "ok",
    }

    # Every activity source offline: the home cannot be seen (the fridge does not count).
    await set_state(hass, "sensor.living_room_illuminance", "unavailable", LUX)
    await set_state(hass, "binary_sensor.hallway_motion", "unavailable", MOTION)
    assert value(hass, SOURCES_ONLINE) == "1"
    assert value(hass, MONITORING) == "lost"
    # ... for 15 minutes: attention, because nobody can see the resident.
    assert value(hass, NEXT_ESCALATION) == iso(T0 + 15 * MINUTE)
    await move_to(hass, freezer, T0 + 15 * MINUTE)
    assert value(hass, CARE_LEVEL) == "attention"
    assert state_of(hass, CARE_LEVEL).attributes["reason"] == "monitoring_lost"

    freezer.move_to(T0 + 20 * MINUTE)
    await set_state(hass, "binary_sensor.hallway_motion", STATE_OFF, MOTION)
    assert value(hass, MONITORING) == "degraded"
    assert value(hass, SOURCES_ONLINE) == "2"
    assert value(hass, CARE_LEVEL) == "normal"
    assert [(e.data["type"], e.data["monitoring"], e.data.get("resolved_by")) for e in events] == [
        ("monitoring", "degraded", None),
        ("monitoring", "lost", None),
        ("alert", "lost", None),
        ("monitoring", "degraded", None),
        ("resolved", "degraded", "monitoring_restored"),
    ]


async def test_a_silent_sensor_goes_stale_and_comes_back_when_it_reports(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    # The fridge and the light keep reporting (unchanged values count as reports).
    for hours in range(1, 7):
        freezer.move_to(T0 + hours * HOUR - MINUTE)
        await set_state(hass, "sensor.fridge_power", "85", POWER)
        await set_state(hass, "sensor.living_room_illuminance", "3", LUX)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    await move_to(hass, freezer, T0 + 6 * HOUR)
    sources = state_of(hass, SOURCES_ONLINE).attributes["sources"]
    assert sources == {
        "sensor.tv_power": "stale",
        "sensor.kettle_power": "stale",
        "sensor.fridge_power": "ok",
        "sensor.living_room_illuminance": "ok",
        "binary_sensor.hallway_motion": "ok",  # motion sensors stay silent when nobody moves
    }
    assert value(hass, SOURCES_ONLINE) == "3"
    assert value(hass, MONITORING) == "degraded"

    freezer.move_to(T0 + 6 * HOUR + MINUTE)
    await set_state(hass, "sensor.tv_power", "0.4", POWER)
    await set_state(hass, "sensor.kettle_power", "0", POWER)
    assert value(hass, SOURCES_ONLINE) == "5"
    assert value(hass, MONITORING) == "ok"


# ---------------------------------------------------------------- quiet when idle


async def test_no_entity_writes_state_while_nothing_happens(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The fridge cycles and the TV's standby draw wobbles for hours: only level changes
    make the household's entities write, and nothing else does (not even an unchanged
    state, which Home Assistant would report as `state_reported`)."""
    registry = er.async_get(hass)
    own = {e.entity_id for e in er.async_entries_for_config_entry(registry, household.entry_id)}
    assert len(own) == 12
    writes: list[tuple[datetime, str, str]] = []

    @callback
    def record(event: Event[Any]) -> None:
        writes.append((dt_util.utcnow(), str(event.event_type), event.data["entity_id"]))

    @callback
    def is_own(data: Any) -> bool:
        return data["entity_id"] in own

    hass.bus.async_listen(EVENT_STATE_CHANGED, record, event_filter=is_own)
    hass.bus.async_listen(EVENT_STATE_REPORTED, record, event_filter=is_own)

    fridge = ["85", "87", "3", "2", "110", "92", "86"]
    tv = ["0.4", "0.5", "0.3", "0.6", "0.4", "0.2"]
    for minute in range(1, 4 * 60 + 30):
        freezer.move_to(T0 + minute * MINUTE)
        hass.states.async_set("sensor.fridge_power", fridge[minute % len(fridge)], POWER)
        hass.states.async_set("sensor.tv_power", tv[minute % len(tv)], POWER)
        if minute % 10 == 0:  # unchanged readings, reported
            hass.states.async_set("sensor.kettle_power", "0", POWER)
            hass.states.async_set("sensor.living_room_illuminance", "3", LUX)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()

    assert value(hass, CARE_LEVEL) == "critical"
    assert value(hass, LAST_ACTIVITY) == STATE_UNKNOWN
    assert value(hass, SOURCES_ONLINE) == "5"
    # Reminders every 30 minutes from 2 h are events, not entity writes.
    assert {moment for moment, _, _ in writes} == {T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR}
    # Only the entities whose own state changed write: no unchanged re-writes.
    assert {kind for _, kind, _ in writes} == {EVENT_STATE_CHANGED}
    changed = {(moment, entity_id) for moment, _, entity_id in writes}
    assert len(changed) == len(writes)
    assert changed == {
        (T0 + HOUR, CARE_LEVEL),
        (T0 + HOUR, NEXT_ESCALATION),
        (T0 + HOUR, "event.mum_care_alert"),
        (T0 + 2 * HOUR, CARE_LEVEL),
        (T0 + 2 * HOUR, NEXT_ESCALATION),
        (T0 + 2 * HOUR, ALERT),
        (T0 + 2 * HOUR, "event.mum_care_alert"),
        (T0 + 3 * HOUR, CARE_LEVEL),
        (T0 + 3 * HOUR, NEXT_ESCALATION),
        (T0 + 3 * HOUR, "event.mum_care_alert"),
    }
