"""Care events as automations see them: the `care_plug_event` bus payloads and `care_alert`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Context, Event, HomeAssistant, State, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from .common import move_to as advance
from .common import value as state
from .common import walk

pytestmark = pytest.mark.freeze_time("2026-03-02T17:00:00+00:00")

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
CARE_ALERT = "event.mum_care_alert"
EVENT_TYPES = [
    "attention",
    "warning",
    "critical",
    "resolved",
    "acknowledged",
    "monitoring_lost",
    "monitoring_restored",
]
ACTIVITY_SOURCES = (
    "sensor.tv_power",
    "sensor.kettle_power",
    "sensor.living_room_illuminance",
    "binary_sensor.hallway_motion",
)
QUIET = {
    "sensor.tv_power": ("0.4", {"device_class": "power", "unit_of_measurement": "W"}),
    "sensor.kettle_power": ("0", {"device_class": "power", "unit_of_measurement": "W"}),
    "sensor.living_room_illuminance": (
        "3",
        {"device_class": "illuminance", "unit_of_measurement": "lx"},
    ),
    "binary_sensor.hallway_motion": ("off", {"device_class": "motion"}),
}


async def set_source(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, at: datetime, entity_id: str, value: str
) -> None:
    """A source's device reports `value` at `at` (`unavailable`, or its quiet state)."""
    await advance(hass, freezer, at)
    attributes = {} if value == "unavailable" else QUIET[entity_id][1]
    hass.states.async_set(entity_id, value, attributes)
    await hass.async_block_till_done()


def identity(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, entry.entry_id), entry.entry_id
    )
    assert device is not None
    return {"entry_id": entry.entry_id, "device_id": device.id, "household": "Mum"}


def alert_story(hass: HomeAssistant) -> list[State]:
    """Every new state of the `care_alert` entity from now on."""
    states: list[State] = []

    @callback  # in the event loop, in order (a plain function would run in a worker thread)
    def keep(event: Event[Any]) -> None:
        if event.data["entity_id"] == CARE_ALERT:
            states.append(event.data["new_state"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, keep)
    return states


def shown(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The `care_alert` attributes for a bus payload: all of it but what names the entry."""
    data = {k: v for k, v in payload.items() if k not in ("entry_id", "device_id", "type")}
    return {
        "event_types": EVENT_TYPES,
        "event_type": event_type,
        **data,
        "friendly_name": "Mum Care alert",
    }


# ---------------------------------------------------------------- alerts and reminders


async def test_alert_and_reminder_payloads(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    story = alert_story(hass)
    await walk(hass, freezer, START, START + timedelta(hours=3, minutes=30))

    base = {
        **identity(hass, household),
        "reason": "inactivity",
        "alert_id": "20260302T180000Z-1",
        "last_activity": None,
        "last_activity_entity": None,
        "monitoring": "ok",
    }
    payloads = [
        {
            **base,
            "type": "alert",
            "level": "attention",
            "previous_level": "normal",
            "inactive_seconds": 3600,
            "message": "Mum: no sign of activity for 1 h; care level is now attention.",
        },
        {
            **base,
            "type": "alert",
            "level": "warning",
            "previous_level": "attention",
            "inactive_seconds": 7200,
            "message": "Mum: no sign of activity for 2 h; care level is now warning.",
        },
        {
            **base,
            "type": "reminder",
            "level": "warning",
            "previous_level": "warning",
            "inactive_seconds": 9000,
            "message": (
                "Reminder: Mum is still at care level warning and nobody has acknowledged it;"
                " no sign of activity for 2 h 30 min."
            ),
        },
        {
            **base,
            "type": "alert",
            "level": "critical",
            "previous_level": "warning",
            "inactive_seconds": 10800,
            "message": "Mum: no sign of activity for 3 h; care level is now critical.",
        },
        {
            **base,
            "type": "reminder",
            "level": "critical",
            "previous_level": "critical",
            "inactive_seconds": 12600,
            "message": (
                "Reminder: Mum is still at care level critical and nobody has acknowledged it;"
                " no sign of activity for 3 h 30 min."
            ),
        },
    ]
    assert [event.data for event in events] == payloads

    # The entity tells each level once; reminders repeat nothing on it.
    assert [(s.state, dict(s.attributes)) for s in story] == [
        ("2026-03-02T18:00:00.000+00:00", shown("attention", payloads[0])),
        ("2026-03-02T19:00:00.000+00:00", shown("warning", payloads[1])),
        ("2026-03-02T20:00:00.000+00:00", shown("critical", payloads[3])),
    ]
    # Written out once in full, so the mapping above is not its own oracle.
    assert dict(story[-1].attributes) == {
        "event_types": EVENT_TYPES,
        "event_type": "critical",
        "household": "Mum",
        "level": "critical",
        "previous_level": "warning",
        "reason": "inactivity",
        "alert_id": "20260302T180000Z-1",
        "last_activity": None,
        "last_activity_entity": None,
        "inactive_seconds": 10800,
        "monitoring": "ok",
        "message": "Mum: no sign of activity for 3 h; care level is now critical.",
        "friendly_name": "Mum Care alert",
    }


# ---------------------------------------------------------------- acknowledged and resolved


async def test_acknowledged_then_resolved_by_check_in(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    await advance(hass, freezer, START + timedelta(hours=2))
    events = async_capture_events(hass, EVENT_CARE)
    story = alert_story(hass)

    freezer.move_to(START + timedelta(hours=2, minutes=5))
    await hass.services.async_call(
        DOMAIN,
        "acknowledge",
        {"config_entry_id": household.entry_id, "note": "On my way."},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    freezer.move_to(START + timedelta(hours=2, minutes=40))
    await hass.services.async_call(
        DOMAIN, "check_in", {"config_entry_id": household.entry_id}, blocking=True
    )

    base = {
        **identity(hass, household),
        "reason": "inactivity",
        "alert_id": "20260302T180000Z-1",
        "last_activity": None,
        "last_activity_entity": None,
        "monitoring": "ok",
    }
    acknowledged = {
        **base,
        "type": "acknowledged",
        "level": "warning",
        "previous_level": "warning",
        "inactive_seconds": 7500,
        "message": (
            "Mum: the alert at care level warning was acknowledged by Mock User;"
            " no sign of activity for 2 h 5 min."
        ),
        "by": "Mock User",
        "note": "On my way.",
    }
    resolved = {
        **base,
        "type": "resolved",
        "level": "normal",
        "previous_level": "warning",
        "inactive_seconds": 0,
        "message": "Mum: check-in received; care level is back from warning to normal.",
        "resolved_by": "check_in",
    }
    assert [event.data for event in events] == [acknowledged, resolved]
    assert [(s.state, dict(s.attributes)) for s in story] == [
        ("2026-03-02T19:05:00.000+00:00", shown("acknowledged", acknowledged)),
        ("2026-03-02T19:40:00.000+00:00", shown("resolved", resolved)),
    ]
    assert story[0].attributes["by"] == "Mock User"
    assert story[0].attributes["note"] == "On my way."
    assert story[1].attributes["resolved_by"] == "check_in"


async def test_resolved_by_activity(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await advance(hass, freezer, START + timedelta(hours=1, minutes=20))
    events = async_capture_events(hass, EVENT_CARE)
    story = alert_story(hass)

    freezer.move_to(START + timedelta(hours=1, minutes=25))
    hass.states.async_set("sensor.kettle_power", "1850", QUIET["sensor.kettle_power"][1])
    await hass.async_block_till_done()

    resolved = {
        **identity(hass, household),
        "type": "resolved",
        "level": "normal",
        "previous_level": "attention",
        "reason": "inactivity",
        "alert_id": "20260302T180000Z-1",
        "last_activity": "2026-03-02T18:25:00+00:00",
        "last_activity_entity": "sensor.kettle_power",
        "inactive_seconds": 0,
        "monitoring": "ok",
        "message": "Mum: activity seen again; care level is back from attention to normal.",
        "resolved_by": "activity",
    }
    assert [event.data for event in events] == [resolved]
    assert [(s.state, dict(s.attributes)) for s in story] == [
        ("2026-03-02T18:25:00.000+00:00", shown("resolved", resolved))
    ]


# ---------------------------------------------------------------- monitoring


async def test_monitoring_lost_and_restored(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START + timedelta(minutes=5))
    hass.states.async_set("binary_sensor.hallway_motion", "on", {"device_class": "motion"})
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_CARE)
    story = alert_story(hass)
    base = {
        **identity(hass, household),
        "last_activity": "2026-03-02T17:05:00+00:00",
        "last_activity_entity": "binary_sensor.hallway_motion",
    }

    # The activity sources drop out one by one.
    for minutes, entity_id in zip((10, 20, 30, 40), ACTIVITY_SOURCES, strict=True):
        await set_source(
            hass, freezer, START + timedelta(minutes=minutes), entity_id, "unavailable"
        )
        if entity_id == "sensor.tv_power":
            degraded = {
                **base,
                "type": "monitoring",
                "level": "normal",
                "previous_level": "normal",
                "reason": "none",
                "alert_id": None,
                "inactive_seconds": 300,
                "monitoring": "degraded",
                "message": (
                    "Mum: some activity sources are offline; monitoring continues with the others."
                ),
                "previous_monitoring": "ok",
            }
            assert [event.data for event in events] == [degraded]
    assert state(hass, "sensor.mum_monitoring") == "lost"
    lost = {
        **base,
        "type": "monitoring",
        "level": "normal",
        "previous_level": "normal",
        "reason": "none",
        "alert_id": None,
        "inactive_seconds": 2100,
        "monitoring": "lost",
        "message": "Mum: every activity source is offline, so the home cannot be seen.",
        "previous_monitoring": "degraded",
    }
    assert [event.data for event in events][1:] == [lost]

    # Lost for 15 minutes: attention, because nobody can see the home.
    await walk(hass, freezer, START + timedelta(minutes=40), START + timedelta(minutes=55))
    attention = {
        **base,
        "type": "alert",
        "level": "attention",
        "previous_level": "normal",
        "reason": "monitoring_lost",
        "alert_id": "20260302T175500Z-1",
        "inactive_seconds": 3000,
        "monitoring": "lost",
        "message": (
            "Mum: the home cannot be seen because every activity source is offline,"
            " and there has been no sign of activity for 50 min; care level is now attention."
        ),
    }
    assert [event.data for event in events][2:] == [attention]

    # The motion sensor comes back: the home can be seen, and the loss alert ends.
    await set_source(
        hass, freezer, START + timedelta(minutes=58), "binary_sensor.hallway_motion", "off"
    )
    restored = {
        **base,
        "type": "monitoring",
        "level": "attention",
        "previous_level": "attention",
        "reason": "monitoring_lost",
        "alert_id": "20260302T175500Z-1",
        "inactive_seconds": 3180,
        "monitoring": "degraded",
        "message": (
            "Mum: the home can be seen again, but some activity sources are still offline;"
            " care level is still attention, with no sign of activity for 53 min."
        ),
        "previous_monitoring": "lost",
    }
    resolved = {
        **base,
        "type": "resolved",
        "level": "normal",
        "previous_level": "attention",
        "reason": "monitoring_lost",
        "alert_id": "20260302T175500Z-1",
        "inactive_seconds": 3180,
        "monitoring": "degraded",
        "message": (
            "Mum: activity sources are back online; care level is back from attention to normal."
        ),
        "resolved_by": "monitoring_restored",
    }
    assert [event.data for event in events][3:] == [restored, resolved]

    # The others come back; degraded -> ok is no alert.
    for minutes, entity_id in zip((59, 60, 61), ACTIVITY_SOURCES[:3], strict=True):
        await set_source(
            hass, freezer, START + timedelta(minutes=minutes), entity_id, QUIET[entity_id][0]
        )
    ok = {
        **base,
        "type": "monitoring",
        "level": "normal",
        "previous_level": "normal",
        "reason": "none",
        "alert_id": None,
        "inactive_seconds": 3360,
        "monitoring": "ok",
        "message": "Mum: all activity sources are online again.",
        "previous_monitoring": "degraded",
    }
    assert [event.data for event in events][5:] == [ok]
    assert state(hass, "sensor.mum_monitoring") == "ok"

    # ok -> degraded and degraded -> ok never touched the entity; lost and restored did.
    assert [(s.state, dict(s.attributes)) for s in story] == [
        ("2026-03-02T17:40:00.000+00:00", shown("monitoring_lost", lost)),
        ("2026-03-02T17:55:00.000+00:00", shown("attention", attention)),
        ("2026-03-02T17:58:00.000+00:00", shown("monitoring_restored", restored)),
        # Fired in the same instant as the one before: the entity keeps them apart.
        ("2026-03-02T17:58:00.001+00:00", shown("resolved", resolved)),
    ]


async def test_away_is_monitoring_but_no_alert(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    story = alert_story(hass)
    freezer.move_to(START + timedelta(minutes=30))
    await hass.services.async_call(
        DOMAIN,
        "set_away",
        {"config_entry_id": household.entry_id, "duration": {"hours": 1}},
        blocking=True,
    )
    await advance(hass, freezer, START + timedelta(hours=1, minutes=30))

    base = {
        **identity(hass, household),
        "type": "monitoring",
        "level": "normal",
        "previous_level": "normal",
        "reason": "none",
        "alert_id": None,
        "last_activity": None,
        "last_activity_entity": None,
    }
    assert [event.data for event in events] == [
        {
            **base,
            "inactive_seconds": 1800,
            "monitoring": "away",
            "message": "Mum: the resident is away, so inactivity alerts are paused.",
            "previous_monitoring": "ok",
        },
        {
            **base,
            "inactive_seconds": 0,
            "monitoring": "ok",
            "message": "Mum: the away period is over and monitoring has resumed.",
            "previous_monitoring": "away",
        },
    ]
    assert story == []
    current = hass.states.get(CARE_ALERT)
    assert current is not None
    assert current.state == "unknown"


# ---------------------------------------------------------------- language


async def test_messages_in_korean(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    hass.config.language = "ko"
    events = async_capture_events(hass, EVENT_CARE)
    story = alert_story(hass)

    await walk(hass, freezer, START, START + timedelta(hours=2, minutes=30))
    await hass.services.async_call(
        DOMAIN,
        "acknowledge",
        {"config_entry_id": household.entry_id},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    freezer.move_to(START + timedelta(hours=2, minutes=45))
    hass.states.async_set("binary_sensor.hallway_motion", "on", {"device_class": "motion"})
    await hass.async_block_till_done()
    await set_source(hass, freezer, START + timedelta(hours=3), "sensor.tv_power", "unavailable")

    assert [(event.data["type"], event.data["message"]) for event in events] == [
        ("alert", "Mum: 1시간 동안 활동이 없어 돌봄 단계가 '관심'이 되었습니다."),
        ("alert", "Mum: 2시간 동안 활동이 없어 돌봄 단계가 '주의'가 되었습니다."),
        (
            "reminder",
            "다시 알림: Mum의 '주의' 단계 알림을 아직 아무도 확인하지 않았으며,"
            " 2시간 30분 동안 활동이 없습니다.",
        ),
        (
            "acknowledged",
            "Mum: Mock User 님이 '주의' 단계 알림을 확인했으며, 2시간 30분 동안 활동이 없습니다.",
        ),
        ("resolved", "Mum: 활동이 다시 감지되어 돌봄 단계가 '주의'에서 '정상'으로 돌아왔습니다."),
        (
            "monitoring",
            "Mum: 일부 활동 감지 기기의 연결이 끊겼지만 나머지 기기로 계속 지켜보고 있습니다.",
        ),
    ]
    # The entity tells the same story in the same words.
    assert [(s.attributes["event_type"], s.attributes["message"]) for s in story] == [
        ("attention", events[0].data["message"]),
        ("warning", events[1].data["message"]),
        ("acknowledged", events[3].data["message"]),
        ("resolved", events[4].data["message"]),
    ]


# ---------------------------------------------------------------- the entity itself


async def test_care_alert_entity(hass: HomeAssistant, household: MockConfigEntry) -> None:
    entry = er.async_get(hass).async_get(CARE_ALERT)
    assert entry is not None
    assert entry.unique_id == f"{household.entry_id}_care_alert"
    assert entry.translation_key == "care_alert"
    assert entry.capabilities == {"event_types": EVENT_TYPES}
    current = hass.states.get(CARE_ALERT)
    assert current is not None
    assert current.state == "unknown"
    assert dict(current.attributes) == {
        "event_types": EVENT_TYPES,
        "event_type": None,
        "friendly_name": "Mum Care alert",
    }
