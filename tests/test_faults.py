"""Faults injected through Home Assistant: a flapping plug, a host suspended for days, a
clock set back (issue 13, items 5 to 8).

The household of most tests (conftest) watches five sources with 1 h / 2 h / 3 h
thresholds, the default 30-minute reminders and 15 minutes before lost monitoring
raises an alert. Time is frozen and moved by hand; timers due by then fire.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import (
    async_track_state_change_event,
    async_track_state_report_event,
)
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from .common import attribute, move_to, value
from .conftest import set_sources

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
POWER = {"device_class": "power", "unit_of_measurement": "W"}
MOTION = {"device_class": "motion"}

TV = "sensor.tv_power"
KETTLE = "sensor.kettle_power"
FRIDGE = "sensor.fridge_power"
HALL = "binary_sensor.hallway_motion"


def care_events(events: list[Event[dict[str, Any]]], kind: str) -> list[dict[str, Any]]:
    return [e.data for e in events if e.data["type"] == kind]


# ---------------------------------------------------------------- a flapping plug (item 5)

SOLO_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# One plug is the only activity source: when it is offline, the home cannot be seen, so
# every monitoring change is also a `monitoring_lost` / `monitoring_restored` on the
# household's event entity. At-risk thresholds (12 h): the storm raises no inactivity alert.
SOLO = {"name": "Solo", "power_sources": [TV], "risk_group": "at_risk"}
FLAPS = 10_000
EVERY = timedelta(milliseconds=500)  # the plug toggles twice a second


@pytest.fixture
async def solo(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> MockConfigEntry:
    freezer.move_to(SOLO_START)
    set_sources(hass)
    hass.states.async_set(TV, "80", POWER)
    entry = MockConfigEntry(domain=DOMAIN, title="Solo", options=SOLO)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def count_writes(hass: HomeAssistant, entry: MockConfigEntry) -> Counter[str]:
    """Every state written for the household's entities, changed or not, by entity id."""
    entity_ids = [
        e.entity_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    ]
    writes: Counter[str] = Counter()

    @callback
    def written(event: Event[Any]) -> None:
        writes[event.data["entity_id"]] += 1

    entry.async_on_unload(async_track_state_change_event(hass, entity_ids, written))
    entry.async_on_unload(async_track_state_report_event(hass, entity_ids, written))
    return writes


async def test_a_plug_flapping_ten_thousand_times_is_told_twice(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, solo: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    writes = count_writes(hass, solo)
    at = SOLO_START
    for flap in range(FLAPS):
        for state in ("unavailable", "80"):
            at += EVERY
            freezer.move_to(at)
            hass.states.async_set(TV, state, POWER)
        if flap % 100 == 99:  # let timers due by now fire, as the loop would
            async_fire_time_changed(hass, at)
            await hass.async_block_till_done()
    await move_to(hass, freezer, at + 2 * HOUR)  # and after the storm, quiet

    # The plug's first outage is told at once, both ways; then it never held a state for
    # the hold time (15 minutes), so its toggling is not told at all.
    monitoring = care_events(events, "monitoring")
    assert [(e["previous_monitoring"], e["monitoring"]) for e in monitoring] == [
        ("ok", "lost"),
        ("lost", "ok"),
    ]
    # Written twice each, as the plug went and came back, and nothing else written.
    assert writes == {
        "sensor.solo_monitoring": 2,
        "sensor.solo_sources_online": 2,
        "sensor.solo_next_escalation": 2,  # `monitoring_lost` was due while it was gone
        "event.solo_care_alert": 2,  # monitoring_lost, monitoring_restored
    }
    assert attribute(hass, "event.solo_care_alert", "event_type") == "monitoring_restored"
    assert [e.data["type"] for e in events] == ["monitoring", "monitoring"]  # no alert
    assert value(hass, "sensor.solo_monitoring") == "ok"
    assert value(hass, "sensor.solo_care_level") == "normal"


async def test_a_flapping_plug_that_dies_raises_monitoring_lost_on_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, solo: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    at = SOLO_START
    for _ in range(100):
        for state in ("unavailable", "80"):
            at += EVERY
            freezer.move_to(at)
            hass.states.async_set(TV, state, POWER)
    died = at + MINUTE
    freezer.move_to(died)
    hass.states.async_set(TV, "unavailable", POWER)  # and it stays so
    await move_to(hass, freezer, died + 15 * MINUTE - SECOND)
    assert value(hass, "sensor.solo_monitoring") == "ok"  # held: it may come back
    await move_to(hass, freezer, died + 15 * MINUTE)
    # Counted from when it went dark: the alert comes when it would have without a hold.
    assert value(hass, "sensor.solo_monitoring") == "lost"
    assert value(hass, "sensor.solo_care_level") == "attention"
    alert = care_events(events, "alert")
    assert [(e["level"], e["reason"]) for e in alert] == [("attention", "monitoring_lost")]


async def test_a_plug_storming_between_unavailable_and_garbage_writes_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, solo: MockConfigEntry
) -> None:
    at = SOLO_START + SECOND
    freezer.move_to(at)
    hass.states.async_set(TV, "unavailable", POWER)
    await hass.async_block_till_done()
    assert attribute(hass, "sensor.solo_sources_online", "sources") == {TV: "unavailable"}
    writes = count_writes(hass, solo)
    for flap in range(2_000):
        for state in ("garbage", "unavailable"):
            at += EVERY
            freezer.move_to(at)
            hass.states.async_set(TV, state, POWER)
        if flap % 100 == 99:
            async_fire_time_changed(hass, at)
            await hass.async_block_till_done()
    await hass.async_block_till_done()
    # The plug is offline throughout; why it is offline never settled, so nothing moved.
    assert writes["sensor.solo_sources_online"] == 0
    assert writes["sensor.solo_monitoring"] == 0
    assert attribute(hass, "sensor.solo_sources_online", "sources") == {TV: "unavailable"}


# ---------------------------------------------------------------- a host suspended (items 6, 7)

START = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
DAYS_3 = timedelta(days=3)


@pytest.fixture
async def household_at_start(
    hass: HomeAssistant, household_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    freezer.move_to(START)
    assert await hass.config_entries.async_setup(household_entry.entry_id)
    await hass.async_block_till_done()
    return household_entry


async def test_alerts_after_a_three_day_suspend_tell_the_whole_silence(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, household_at_start: MockConfigEntry
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    moved = START + MINUTE
    freezer.move_to(moved)
    hass.states.async_set(HALL, "on", MOTION)  # the last sign of life
    await hass.async_block_till_done()

    # The host sleeps; Home Assistant wakes three days later and its timer fires late.
    woke = moved + DAYS_3
    await move_to(hass, freezer, woke)
    alerts = care_events(events, "alert")
    assert [e["level"] for e in alerts] == ["attention", "warning", "critical"]
    critical = alerts[-1]
    assert critical["inactive_seconds"] == DAYS_3.total_seconds()  # 72 h, not 3 h
    assert "3 days" in critical["message"]
    assert all(e["inactive_seconds"] == DAYS_3.total_seconds() for e in alerts)
    assert care_events(events, "reminder") == []  # none in the same instant as the alerts
    assert attribute(hass, "event.mum_care_alert", "inactive_seconds") == DAYS_3.total_seconds()

    # The first reminder comes the reminder interval after the alert was told.
    await move_to(hass, freezer, woke + 30 * MINUTE - SECOND)
    assert care_events(events, "reminder") == []
    await move_to(hass, freezer, woke + 30 * MINUTE)
    reminders = care_events(events, "reminder")
    assert [(e["level"], e["inactive_seconds"]) for e in reminders] == [
        ("critical", (DAYS_3 + 30 * MINUTE).total_seconds())
    ]


# ---------------------------------------------------------------- a clock set back (item 8)

EVENING = datetime(2026, 3, 2, 18, 10, tzinfo=UTC)


async def test_a_clock_set_back_delays_no_alert_after_the_kettle(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, household_entry: MockConfigEntry
) -> None:
    freezer.move_to(EVENING - HOUR)
    assert await hass.config_entries.async_setup(household_entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_CARE)
    freezer.move_to(EVENING - 40 * MINUTE)
    hass.states.async_set(HALL, "on", MOTION)  # someone in the hall at 17:30
    await hass.async_block_till_done()
    freezer.move_to(EVENING)
    hass.states.async_set(FRIDGE, "86", POWER)  # the engine hears of 18:10
    await hass.async_block_till_done()

    # The clock is set back two hours; at 16:15 on it the kettle is switched on.
    await move_to(hass, freezer, EVENING - 2 * HOUR)
    kettle = EVENING - 2 * HOUR + 5 * MINUTE
    freezer.move_to(kettle)
    hass.states.async_set(KETTLE, "2000", POWER)
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_last_activity") == kettle.isoformat()  # not 18:10
    assert value(hass, "sensor.mum_next_escalation") == (kettle + HOUR).isoformat()

    await move_to(hass, freezer, kettle + HOUR - SECOND)
    assert value(hass, "sensor.mum_care_level") == "normal"
    await move_to(hass, freezer, kettle + HOUR)  # an hour after the kettle, not three
    assert value(hass, "sensor.mum_care_level") == "attention"
    alerts = care_events(events, "alert")
    assert [(e["level"], e["inactive_seconds"], e["last_activity"]) for e in alerts] == [
        ("attention", 3600, kettle.isoformat())
    ]


async def test_a_clock_set_back_at_warning_keeps_the_level_and_what_was_left_to_wait(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, household_entry: MockConfigEntry
) -> None:
    freezer.move_to(EVENING - 3 * HOUR)  # quiet from 15:10
    assert await hass.config_entries.async_setup(household_entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_CARE)
    await move_to(hass, freezer, EVENING - HOUR)  # warning at 17:10, a reminder due 17:40
    told = EVENING - 50 * MINUTE
    freezer.move_to(told)
    hass.states.async_set(FRIDGE, "86", POWER)  # 17:20
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_care_level") == "warning"

    back = told - 2 * HOUR  # the clock goes back two hours: 15:20
    freezer.move_to(back)
    hass.states.async_set(FRIDGE, "85", POWER)  # the first reading on the new clock
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_care_level") == "warning"  # never lowered by time
    # 20 minutes were left until the reminder and 50 until critical: still so.
    assert value(hass, "sensor.mum_next_escalation") == (back + 50 * MINUTE).isoformat()
    await move_to(hass, freezer, back + 20 * MINUTE - SECOND)
    assert care_events(events, "reminder") == []
    await move_to(hass, freezer, back + 20 * MINUTE)
    assert [e["level"] for e in care_events(events, "reminder")] == ["warning"]
    await move_to(hass, freezer, back + 50 * MINUTE - SECOND)
    assert value(hass, "sensor.mum_care_level") == "warning"
    await move_to(hass, freezer, back + 50 * MINUTE)
    assert value(hass, "sensor.mum_care_level") == "critical"
    assert care_events(events, "alert")[-1]["inactive_seconds"] == 3 * 3600
