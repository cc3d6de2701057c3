"""Restarts: the household comes back as it was saved, counts the downtime, survives bad storage.

The saved states below are what a real run stores (checked by the first test, which drives
a household and compares what it saved): Mum's motion sensor fires at 16:05 UTC, then the
home is quiet. Thresholds are 1 h / 2 h / 3 h, so attention is due at 17:05, warning at
18:05 (reminders every 30 minutes from then) and critical at 19:05.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    EVENT_HOMEASSISTANT_STARTED,
    EVENT_HOMEASSISTANT_STOP,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
)
from homeassistant.core import CoreState, Event, HomeAssistant, State
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers import restore_state as rs
from homeassistant.helpers.storage import Store
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from .common import move_to, state_of, value
from .conftest import HOUSEHOLD_OPTIONS, set_sources

ENTRY_ID = "01JD8Q4V7X0K2M3N4P5R6S7T8V"
KEY = f"{DOMAIN}.{ENTRY_ID}"
T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 08:00 local (US/Pacific)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
MOVED = T0 + 5 * MINUTE  # the last activity: the hallway motion sensor
ATTENTION_AT = MOVED + HOUR
WARNING_AT = MOVED + 2 * HOUR
CRITICAL_AT = MOVED + 3 * HOUR
ALERT_ID = "20260302T170500Z-1"
POWER = {"device_class": "power", "unit_of_measurement": "W"}
MOTION = {"device_class": "motion"}
AT_RISK = {k: v for k, v in HOUSEHOLD_OPTIONS.items() if not k.endswith("_after")} | {
    "risk_group": "at_risk"
}  # 12 h / 24 h / 36 h

CARE_LEVEL = "sensor.mum_care_level"
CARE_ALERT = "event.mum_care_alert"


# How a source's health is counted: online, no change on hold.
_COUNTED = {"health": "ok", "held_since": None, "offline_since": None, "changed_at": None,
            "prompt": False}  # fmt: skip


def _power(level: float) -> dict[str, Any]:
    return {
        "last_report": 1772467200.0,
        "stale": False,
        "fault": None,
        "memory": {"level": level, "on": False, "pending": None, "pending_from": 0.0},
    } | _COUNTED


SOURCE_IDS = (
    "sensor.tv_power",
    "sensor.kettle_power",
    "sensor.fridge_power",
    "sensor.living_room_illuminance",
    "binary_sensor.hallway_motion",
)
_SOURCES: dict[str, Any] = {
    "sensor.tv_power": _power(0.4),
    "sensor.kettle_power": _power(0.0),
    "sensor.fridge_power": {"last_report": 1772467200.0, "stale": False, "fault": None,
                            "memory": {}} | _COUNTED,
    "sensor.living_room_illuminance": {"last_report": 1772467200.0, "stale": False,
                                       "fault": None,
                                       "memory": {"last": 3.0, "last_ts": 1772467200.0,
                                                  "lit": None}}
                                      | _COUNTED,
    "binary_sensor.hallway_motion": {"last_report": 1772467560.0, "stale": False,
                                     "fault": None, "memory": {"on": False}} | _COUNTED,
}  # fmt: skip

# Stopped at 16:40, normal after 35 minutes of quiet.
NORMAL_SAVED: dict[str, Any] = {
    "engine": {
        "version": 1,
        "now": 1772467560.0,
        "clock": 1772467560.0,
        "quiet_since": 1772467500.0,
        "last_activity": 1772467500.0,
        "last_activity_entity": "binary_sensor.hallway_motion",
        "level": "normal",
        "reason": "none",
        "alert_id": None,
        "episodes": 0,
        "acknowledged": False,
        "next_reminder": None,
        "away": False,
        "away_until": None,
        "lost_since": None,
        "monitoring": "ok",
        "appliances": {"version": 1, "durations": {}, "on_since": {}, "kinds": {}},
        "beginnings": {
            "version": 1,
            "gaps": {},
            "last": ["binary_sensor.hallway_motion", "seen", 1772467500.0],
        },
        "presence_away": False,
        "sources": _SOURCES,
    },
    "saved_at": "2026-03-02T16:40:00+00:00",
    "activity_today": {"date": "2026-03-02", "count": 1},
}
# Stopped at 18:10, five minutes after the warning.
WARNING_SAVED: dict[str, Any] = {
    "engine": NORMAL_SAVED["engine"]
    | {
        "now": 1772474700.0,
        "clock": 1772474700.0,
        "level": "warning",
        "reason": "inactivity",
        "alert_id": ALERT_ID,
        "episodes": 1,
        "next_reminder": 1772476500.0,
    },
    "saved_at": "2026-03-02T18:10:00+00:00",
    "activity_today": {"date": "2026-03-02", "count": 1},
}
WARNING_MESSAGE = "Mum: no sign of activity for 2 h; care level is now warning."
# What Home Assistant kept of the event entity when it stopped at 18:10.
WARNING_SHOWN = State(
    CARE_ALERT,
    "2026-03-02T18:05:00.000+00:00",
    {
        "event_types": [
            "attention",
            "warning",
            "critical",
            "resolved",
            "acknowledged",
            "monitoring_lost",
            "monitoring_restored",
        ],
        "event_type": "warning",
        "household": "Mum",
        "level": "warning",
        "previous_level": "attention",
        "reason": "inactivity",
        "alert_id": ALERT_ID,
        "last_activity": "2026-03-02T16:05:00+00:00",
        "last_activity_entity": "binary_sensor.hallway_motion",
        "inactive_seconds": 7200,
        "monitoring": "ok",
        "message": WARNING_MESSAGE,
        "friendly_name": "Mum Care alert",
    },
)
WARNING_SHOWN_EXTRA: dict[str, Any] = {
    "last_event_type": "warning",
    "last_event_attributes": {
        k: v for k, v in WARNING_SHOWN.attributes.items() if k not in {"event_types", "event_type",
                                                                      "friendly_name"}
    },
}  # fmt: skip


# ---------------------------------------------------------------- helpers


def household_entry(hass: HomeAssistant, options: dict[str, Any] | None = None) -> MockConfigEntry:
    set_sources(hass)
    entry = MockConfigEntry(
        domain=DOMAIN, title="Mum", options=options or HOUSEHOLD_OPTIONS, entry_id=ENTRY_ID
    )
    entry.add_to_hass(hass)
    return entry


def stored(data: Any) -> dict[str, Any]:
    """`data` as the Store keeps it."""
    return {"version": 1, "minor_version": 1, "key": KEY, "data": data}


async def start(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Home Assistant starts with the household in it, as after a restart."""
    hass.set_state(CoreState.not_running)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


def kinds(events: list[Event[dict[str, Any]]]) -> list[tuple[str, str]]:
    return [(e.data["type"], e.data["level"]) for e in events]


@pytest.fixture
def store_writes(hass_storage: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Every write of the household's Store, as the data written."""
    writes: list[dict[str, Any]] = []
    in_memory = Store._async_write_data  # hass_storage's writer

    async def counting(store: Store[Any], data: dict[str, Any]) -> None:
        await in_memory(store, data)
        if store.key == KEY:
            writes.append(copy.deepcopy(hass_storage[KEY]["data"]))

    with patch.object(Store, "_async_write_data", counting):
        yield writes


# ---------------------------------------------------------------- what a real run saves


@pytest.mark.freeze_time(T0)
@pytest.mark.parametrize(("stop_at", "saved"), [(40, NORMAL_SAVED), (130, WARNING_SAVED)])
async def test_a_real_run_saves_this_state_when_home_assistant_stops(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    stop_at: int,
    saved: dict[str, Any],
) -> None:
    entry = household_entry(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    freezer.move_to(MOVED)
    hass.states.async_set("binary_sensor.hallway_motion", STATE_ON, MOTION)
    await hass.async_block_till_done()
    freezer.move_to(MOVED + MINUTE)
    hass.states.async_set("binary_sensor.hallway_motion", STATE_OFF, MOTION)
    await hass.async_block_till_done()
    for minutes in range(10, stop_at + 1, 5):
        await move_to(hass, freezer, T0 + minutes * MINUTE)

    await rs.async_get(hass).async_dump_states()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()

    written = copy.deepcopy(hass_storage[KEY])
    routine = written["data"]["engine"].pop("routine")
    assert written["data"]["engine"].pop("explanation") is None
    # No recorder here: the routine counts as seeded from the (empty) history.
    assert written["data"].pop("routine_sources") == sorted(SOURCE_IDS)
    assert written == stored(saved), "the saved format changed: update the constants"
    # Forty minutes of watching, one activity: the routine has learned nothing yet.
    assert routine["version"] == 1
    assert routine["observed"] == 0
    assert len(json.dumps(routine)) < 16_000
    if saved is WARNING_SAVED:
        kept = next(
            s for s in hass_storage["core.restore_state"]["data"]
            if s["state"]["entity_id"] == CARE_ALERT
        )  # fmt: skip
        assert kept["state"]["state"] == WARNING_SHOWN.state
        assert kept["state"]["attributes"] == WARNING_SHOWN.attributes
        assert kept["extra_data"] == WARNING_SHOWN_EXTRA


# ---------------------------------------------------------------- restart mid-alert


@pytest.mark.freeze_time(T0 + 2 * HOUR + 11 * MINUTE)  # one minute after the stop
async def test_a_restart_mid_alert_carries_on_with_the_same_alert(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = stored(WARNING_SAVED)
    mock_restore_cache_with_extra_data(hass, [(WARNING_SHOWN, WARNING_SHOWN_EXTRA)])
    entry = household_entry(hass)
    events = async_capture_events(hass, EVENT_CARE)
    shown = async_capture_events(hass, "state_changed")

    await start(hass, entry)

    assert value(hass, CARE_LEVEL) == "warning"
    assert state_of(hass, CARE_LEVEL).attributes["alert_id"] == ALERT_ID
    assert value(hass, "binary_sensor.mum_alert") == STATE_ON
    assert value(hass, "sensor.mum_next_escalation") == CRITICAL_AT.isoformat()
    assert value(hass, "sensor.mum_last_activity") == MOVED.isoformat()
    assert value(hass, "sensor.mum_activity_today") == "1"
    assert events == []
    # The event entity shows its last event, restored and not fired again.
    care_alert = state_of(hass, CARE_ALERT)
    assert care_alert.state == WARNING_SHOWN.state
    assert care_alert.attributes["event_type"] == "warning"
    assert care_alert.attributes["alert_id"] == ALERT_ID
    assert care_alert.attributes["message"] == WARNING_MESSAGE
    assert [e.data["new_state"].state for e in shown if e.data["entity_id"] == CARE_ALERT] == [
        WARNING_SHOWN.state
    ]

    # Reminders continue on their schedule; critical comes on time, once.
    await move_to(hass, freezer, WARNING_AT + 30 * MINUTE)
    assert kinds(events) == [("reminder", "warning")]
    await move_to(hass, freezer, CRITICAL_AT - SECOND)
    assert value(hass, CARE_LEVEL) == "warning"
    await move_to(hass, freezer, CRITICAL_AT)
    assert value(hass, CARE_LEVEL) == "critical"
    await move_to(hass, freezer, CRITICAL_AT + 30 * MINUTE)
    await move_to(hass, freezer, CRITICAL_AT + HOUR)
    assert kinds(events) == [
        ("reminder", "warning"),
        ("alert", "critical"),
        ("reminder", "critical"),
        ("reminder", "critical"),
    ]
    assert {e.data["alert_id"] for e in events} == {ALERT_ID}
    assert not any("downtime_seconds" in e.data for e in events)
    assert events[1].data["inactive_seconds"] == 3 * 3600
    assert state_of(hass, CARE_ALERT).attributes["event_type"] == "critical"


# ---------------------------------------------------------------- downtime


@pytest.mark.freeze_time(T0 + 5 * HOUR + 40 * MINUTE)  # five hours after the stop
async def test_inactivity_while_home_assistant_was_down_counts(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = stored(NORMAL_SAVED)
    entry = household_entry(hass)
    events = async_capture_events(hass, EVENT_CARE)

    await start(hass, entry)

    # One alert per level passed while down, each telling the silence as it is now, and no
    # reminders of alerts raised in the same breath.
    assert [e.data["type"] for e in events] == ["alert", "alert", "alert"]
    alerts = [e.data for e in events]
    assert [(a["level"], a["previous_level"], a["inactive_seconds"]) for a in alerts] == [
        ("attention", "normal", 20100),
        ("warning", "attention", 20100),
        ("critical", "warning", 20100),
    ]
    assert {a["alert_id"] for a in alerts} == {ALERT_ID}
    assert {e.data["downtime_seconds"] for e in events} == {5 * 3600}
    assert alerts[2]["message"] == (
        "Mum: no sign of activity for 5 h 35 min; care level is now critical."
        " Care Plug was not running for the last 5 h."
    )
    assert value(hass, CARE_LEVEL) == "critical"
    assert value(hass, "binary_sensor.mum_alert") == STATE_ON
    assert value(hass, "sensor.mum_next_escalation") == STATE_UNKNOWN
    assert state_of(hass, CARE_ALERT).attributes["event_type"] == "critical"
    # The sources are not blamed for the downtime.
    assert value(hass, "sensor.mum_sources_online") == "5"
    assert value(hass, "sensor.mum_monitoring") == "ok"


@pytest.mark.freeze_time(T0 + 5 * HOUR + 40 * MINUTE)
async def test_a_long_downtime_with_nothing_due_says_monitoring_was_lost(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = stored(NORMAL_SAVED)
    entry = household_entry(hass, AT_RISK)
    events = async_capture_events(hass, EVENT_CARE)

    await start(hass, entry)

    assert len(events) == 1
    data = events[0].data
    assert {k: data[k] for k in ("type", "level", "previous_monitoring", "monitoring")} == {
        "type": "monitoring",
        "level": "normal",
        "previous_monitoring": "lost",
        "monitoring": "ok",
    }
    assert data["downtime_seconds"] == 5 * 3600
    assert data["message"] == "Mum: Care Plug was not running for 5 h; monitoring has resumed."
    assert value(hass, CARE_LEVEL) == "normal"
    assert value(hass, "sensor.mum_monitoring") == "ok"
    assert value(hass, "sensor.mum_next_escalation") == (MOVED + 12 * HOUR).isoformat()


@pytest.mark.freeze_time(T0 + 41 * MINUTE)  # one minute after the stop
async def test_a_short_restart_raises_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = stored(NORMAL_SAVED)
    entry = household_entry(hass)
    events = async_capture_events(hass, EVENT_CARE)

    await start(hass, entry)

    assert events == []
    assert value(hass, CARE_LEVEL) == "normal"
    assert value(hass, "sensor.mum_next_escalation") == ATTENTION_AT.isoformat()
    assert value(hass, "sensor.mum_last_activity") == MOVED.isoformat()
    await move_to(hass, freezer, ATTENTION_AT)
    assert kinds(events) == [("alert", "attention")]
    assert "downtime_seconds" not in events[0].data


# ---------------------------------------------------------------- activity today


@pytest.mark.freeze_time(T0 + 41 * MINUTE)
async def test_todays_activity_count_survives_a_restart_and_still_resets_at_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = stored(NORMAL_SAVED)
    await start(hass, household_entry(hass))
    assert value(hass, "sensor.mum_activity_today") == "1"

    local_midnight = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # 00:00 US/Pacific
    await move_to(hass, freezer, local_midnight - SECOND)
    assert value(hass, "sensor.mum_activity_today") == "1"
    await move_to(hass, freezer, local_midnight)
    assert value(hass, "sensor.mum_activity_today") == "0"


@pytest.mark.freeze_time(T0 + 24 * HOUR)
async def test_yesterdays_activity_count_is_not_restored(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = stored(NORMAL_SAVED)
    await start(hass, household_entry(hass))
    assert value(hass, "sensor.mum_activity_today") == "0"
    assert value(hass, "sensor.mum_last_activity") == MOVED.isoformat()


# ---------------------------------------------------------------- unusable storage


@pytest.mark.freeze_time(T0 + 2 * HOUR + 11 * MINUTE)
@pytest.mark.parametrize(
    "data",
    [
        {"engine": {"version": 99}},
        WARNING_SAVED | {"engine": WARNING_SAVED["engine"] | {"level": "panic"}},
        WARNING_SAVED | {"engine": WARNING_SAVED["engine"] | {"now": "yesterday"}},
        WARNING_SAVED | {"engine": WARNING_SAVED["engine"] | {"alert_id": None}},
        {"engine": "nonsense"},
        {"saved_at": "2026-03-02T18:10:00+00:00"},
        ["engine", 1],
        "care",
    ],
    ids=[
        "unknown_version",
        "unknown_level",
        "time_not_a_number",
        "alert_without_id",
        "engine_not_an_object",
        "engine_missing",
        "a_list",
        "a_string",
    ],
)
async def test_unusable_stored_state_starts_afresh_and_raises_a_repair_issue(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    data: Any,
) -> None:
    hass_storage[KEY] = stored(data)
    entry = household_entry(hass)
    events = async_capture_events(hass, EVENT_CARE)
    now = T0 + 2 * HOUR + 11 * MINUTE

    with caplog.at_level(logging.WARNING, logger="custom_components.care_plug"):
        await start(hass, entry)

    assert value(hass, CARE_LEVEL) == "normal"
    assert value(hass, "binary_sensor.mum_alert") == STATE_OFF
    assert value(hass, "sensor.mum_next_escalation") == (now + HOUR).isoformat()
    assert value(hass, "sensor.mum_last_activity") == STATE_UNKNOWN
    assert events == []
    warnings = [r for r in caplog.records if r.name.startswith("custom_components.care_plug")]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert ENTRY_ID in warnings[0].getMessage()
    assert "Mum" not in warnings[0].getMessage()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"state_reset_{ENTRY_ID}")
    assert issue is not None
    assert issue.translation_key == "state_reset"
    assert issue.translation_placeholders == {"household": "Mum"}
    assert issue.severity is ir.IssueSeverity.WARNING

    # It watches the home as a fresh household does.
    freezer.move_to(now + MINUTE)
    hass.states.async_set("sensor.kettle_power", "2000", POWER)
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_last_activity") == (now + MINUTE).isoformat()
    await move_to(hass, freezer, now + MINUTE + HOUR)
    assert kinds(events) == [("alert", "attention")]


@pytest.mark.freeze_time(T0 + 2 * HOUR + 11 * MINUTE)
@pytest.mark.parametrize(
    "saved_at",
    ["2026-13-45T18:10:00+00:00", "2026-03-02T18:10:00", "last tuesday", 1772475000, None],
    ids=["impossible_date", "no_time_zone", "not_a_time", "a_number", "missing"],
)
async def test_an_unreadable_save_time_keeps_the_household(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    saved_at: Any,
) -> None:
    """The downtime then counts from the last moment the household knew of (18:05)."""
    hass_storage[KEY] = stored(WARNING_SAVED | {"saved_at": saved_at})
    entry = household_entry(hass)
    events = async_capture_events(hass, EVENT_CARE)

    await start(hass, entry)

    assert value(hass, CARE_LEVEL) == "warning"
    assert state_of(hass, CARE_LEVEL).attributes["alert_id"] == ALERT_ID
    assert events == []
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"state_reset_{ENTRY_ID}") is None
    freezer.move_to(T0 + 2 * HOUR + 12 * MINUTE)
    hass.states.async_set("sensor.kettle_power", "2000", POWER)
    await hass.async_block_till_done()
    assert value(hass, CARE_LEVEL) == "normal"
    assert kinds(events) == [("resolved", "normal")]


# ---------------------------------------------------------------- the clock jumps back


@pytest.mark.freeze_time(T0)
async def test_a_clock_jumping_back_lowers_no_level_and_readings_keep_working(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    entry = household_entry(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_CARE)
    await move_to(hass, freezer, T0 + HOUR)
    assert value(hass, CARE_LEVEL) == "attention"

    back = T0 - HOUR  # the clock is set back two hours
    await move_to(hass, freezer, back)
    assert value(hass, CARE_LEVEL) == "attention"
    assert value(hass, "sensor.mum_next_escalation") == (T0 + 2 * HOUR).isoformat()

    freezer.move_to(back + MINUTE)
    hass.states.async_set("sensor.tv_power", "0.6", POWER)  # noise: nothing
    hass.states.async_set("sensor.fridge_power", "unavailable", POWER)
    await hass.async_block_till_done()
    assert value(hass, CARE_LEVEL) == "attention"
    assert value(hass, "sensor.mum_sources_online") == "4"
    assert value(hass, "sensor.mum_monitoring") == "degraded"
    hass.states.async_set("sensor.fridge_power", "85", POWER)
    await hass.async_block_till_done()
    assert value(hass, "sensor.mum_sources_online") == "5"

    # The first reading on the new clock told the engine the clock went back: the silence
    # keeps the hour it had counted, so the warning is due an hour after that reading,
    # not when the clock reaches the old deadline again, two hours late (issue 13, item 8).
    assert value(hass, "sensor.mum_next_escalation") == (T0 + MINUTE).isoformat()
    await move_to(hass, freezer, T0 + MINUTE - SECOND)
    assert value(hass, CARE_LEVEL) == "attention"
    await move_to(hass, freezer, T0 + MINUTE)
    assert value(hass, CARE_LEVEL) == "warning"

    # A person still counts: the kettle brings the household back to normal.
    freezer.move_to(T0 + 2 * MINUTE)
    hass.states.async_set("sensor.kettle_power", "2000", POWER)
    await hass.async_block_till_done()
    assert value(hass, CARE_LEVEL) == "normal"
    assert value(hass, "sensor.mum_activity_today") == "1"
    assert [e.data["type"] for e in events if e.data["type"] != "monitoring"] == [
        "alert",
        "alert",
        "resolved",
    ]


# ---------------------------------------------------------------- saving


@pytest.mark.freeze_time(T0)
async def test_an_alert_is_saved_within_the_save_delay(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    entry = household_entry(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, T0 + 10 * SECOND)
    assert hass_storage[KEY]["data"]["saved_at"] == (T0 + 10 * SECOND).isoformat()

    await move_to(hass, freezer, T0 + HOUR)
    assert value(hass, CARE_LEVEL) == "attention"
    await move_to(hass, freezer, T0 + HOUR + 9 * SECOND)
    assert hass_storage[KEY]["data"]["engine"]["level"] == "normal"
    await move_to(hass, freezer, T0 + HOUR + 10 * SECOND)
    saved = hass_storage[KEY]["data"]
    assert saved["engine"]["level"] == "attention"
    assert saved["engine"]["alert_id"] == "20260302T170000Z-1"
    assert saved["saved_at"] == (T0 + HOUR + 10 * SECOND).isoformat()


@pytest.mark.freeze_time(T0)
async def test_nothing_is_saved_while_nothing_happens(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, store_writes: list[dict[str, Any]]
) -> None:
    """48 hours of sources reporting unchanged values: only the three alerts are saved."""
    entry = household_entry(hass, HOUSEHOLD_OPTIONS | {"reminder_interval": {"seconds": 0}})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, T0 + MINUTE)
    assert [w["engine"]["level"] for w in store_writes] == ["normal"]  # the start
    store_writes.clear()

    for minutes in range(5, 48 * 60 + 1, 5):
        freezer.move_to(T0 + minutes * MINUTE)
        if minutes % 30 == 0:
            hass.states.async_set("sensor.tv_power", "0.4", POWER)
            hass.states.async_set("sensor.kettle_power", "0", POWER)
            hass.states.async_set("sensor.fridge_power", "85", POWER)
            hass.states.async_set(
                "sensor.living_room_illuminance",
                "3",
                {"device_class": "illuminance", "unit_of_measurement": "lx"},
            )
        async_fire_time_changed(hass)
        await hass.async_block_till_done()

    assert value(hass, CARE_LEVEL) == "critical"
    assert value(hass, "sensor.mum_sources_online") == "5"
    assert [w["engine"]["level"] for w in store_writes] == ["attention", "warning", "critical"]
    assert [w["saved_at"] for w in store_writes] == [
        (T0 + HOUR + 5 * MINUTE).isoformat(),  # the delayed save's timer, fired by this loop
        (T0 + 2 * HOUR + 5 * MINUTE).isoformat(),
        (T0 + 3 * HOUR + 5 * MINUTE).isoformat(),
    ]


@pytest.mark.freeze_time(T0)
async def test_the_household_is_saved_when_home_assistant_stops(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    store_writes: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = household_entry(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, T0 + HOUR)
    freezer.move_to(T0 + HOUR + SECOND)
    store_writes.clear()

    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert [(w["engine"]["level"], w["saved_at"]) for w in store_writes] == [
        ("attention", (T0 + HOUR + SECOND).isoformat())
    ]
    # Shutting down: readings and deadlines no longer change the saved household.
    events = async_capture_events(hass, EVENT_CARE)
    hass.states.async_set("sensor.kettle_power", "unavailable", POWER)
    await move_to(hass, freezer, T0 + 3 * HOUR)
    assert events == []
    assert len(store_writes) == 1
    # An unload after the stop (tests do this) saves once more and logs no error.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(store_writes) == 2
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
