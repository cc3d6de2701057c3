"""The household actions, called the way a user, a script or an automation calls them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import probatio as vol
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, Event, HomeAssistant, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.care_plug.const import DOMAIN, EVENT_CARE

from .common import attribute, state_of, walk
from .common import move_to as advance
from .common import value as state

pytestmark = pytest.mark.freeze_time("2026-03-02T17:00:00+00:00")

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
# The first episode's alert id: attention was reached an hour after the household started.
FIRST_ALERT_ID = "20260302T180000Z-1"
SOURCES_OK = {
    "sensor.tv_power": "ok",
    "sensor.kettle_power": "ok",
    "sensor.fridge_power": "ok",
    "sensor.living_room_illuminance": "ok",
    "binary_sensor.hallway_motion": "ok",
}
# What a household shows; none of it may change when an action is refused.
SHOWN = (
    "sensor.mum_care_level",
    "sensor.mum_monitoring",
    "sensor.mum_next_escalation",
    "sensor.mum_last_activity",
    "binary_sensor.mum_alert",
    "switch.mum_away",
    "event.mum_care_alert",
)


async def call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any],
    context: Context | None = None,
) -> None:
    await hass.services.async_call(DOMAIN, service, data, blocking=True, context=context)


async def status(hass: HomeAssistant, data: dict[str, Any] | None = None) -> dict[str, Any]:
    response: ServiceResponse = await hass.services.async_call(
        DOMAIN, "get_status", data or {}, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


def shown(hass: HomeAssistant) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every household entity's state and attributes."""
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for entity_id in SHOWN:
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        result[entity_id] = (state.state, dict(state.attributes))
    return result


def base_payload(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, entry.entry_id), entry.entry_id
    )
    assert device is not None
    return {"entry_id": entry.entry_id, "device_id": device.id, "household": "Mum"}


def types(events: list[Event[Any]]) -> list[tuple[str, str]]:
    return [(event.data["type"], event.data["level"]) for event in events]


# ---------------------------------------------------------------- check_in


async def test_check_in_at_warning_resolves_and_restarts_the_clock(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    await advance(hass, freezer, START + timedelta(hours=2))
    assert state(hass, "sensor.mum_care_level") == "warning"
    assert state(hass, "binary_sensor.mum_alert") == "on"
    events = async_capture_events(hass, EVENT_CARE)

    checked_in = START + timedelta(hours=2, minutes=10)
    freezer.move_to(checked_in)
    context = Context(user_id=hass_admin_user.id)
    await call(hass, "check_in", {"config_entry_id": household.entry_id}, context)

    assert [event.data for event in events] == [
        {
            **base_payload(hass, household),
            "type": "resolved",
            "level": "normal",
            "previous_level": "warning",
            "reason": "inactivity",
            "alert_id": FIRST_ALERT_ID,
            "last_activity": None,
            "last_activity_entity": None,
            "inactive_seconds": 0,
            "monitoring": "ok",
            "message": "Mum: check-in received; care level is back from warning to normal.",
            "resolved_by": "check_in",
        }
    ]
    assert events[0].context is context
    assert state(hass, "sensor.mum_care_level") == "normal"
    assert state(hass, "binary_sensor.mum_alert") == "off"
    next_escalation = hass.states.get("sensor.mum_next_escalation")
    assert next_escalation is not None
    assert next_escalation.state == "2026-03-02T20:10:00+00:00"
    assert next_escalation.attributes["level"] == "attention"

    # The inactivity clock restarted at the check-in: attention comes one hour later.
    await walk(hass, freezer, checked_in, checked_in + timedelta(minutes=59))
    assert len(events) == 1
    await advance(hass, freezer, checked_in + timedelta(hours=1))
    assert len(events) == 2
    assert events[1].data == {
        **base_payload(hass, household),
        "type": "alert",
        "level": "attention",
        "previous_level": "normal",
        "reason": "inactivity",
        "alert_id": "20260302T201000Z-2",
        "last_activity": None,
        "last_activity_entity": None,
        "inactive_seconds": 3600,
        "monitoring": "ok",
        "message": "Mum: no sign of activity for 1 h; care level is now attention.",
    }


async def test_check_in_at_normal_restarts_the_clock_quietly(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    freezer.move_to(START + timedelta(minutes=50))
    await call(hass, "check_in", {"config_entry_id": household.entry_id})

    assert events == []
    assert state(hass, "sensor.mum_next_escalation") == ("2026-03-02T18:50:00+00:00")
    await advance(hass, freezer, START + timedelta(hours=1))
    assert events == []
    await advance(hass, freezer, START + timedelta(hours=1, minutes=50))
    assert types(events) == [("alert", "attention")]


# ---------------------------------------------------------------- acknowledge


async def test_acknowledge_with_a_note_by_a_user_stops_the_reminders(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await walk(hass, freezer, START, START + timedelta(hours=4))
    # Unacknowledged at warning and above, the alert is repeated every 30 minutes.
    assert [(e.data["type"], e.data["level"], e.data["inactive_seconds"]) for e in events] == [
        ("alert", "attention", 3600),
        ("alert", "warning", 7200),
        ("reminder", "warning", 9000),
        ("alert", "critical", 10800),
        ("reminder", "critical", 12600),
        ("reminder", "critical", 14400),
    ]
    events.clear()

    freezer.move_to(START + timedelta(hours=4, minutes=10))
    context = Context(user_id=hass_admin_user.id)
    note = "Called her; she is fine, the phone was off."
    await call(hass, "acknowledge", {"config_entry_id": household.entry_id, "note": note}, context)

    assert [event.data for event in events] == [
        {
            **base_payload(hass, household),
            "type": "acknowledged",
            "level": "critical",
            "previous_level": "critical",
            "reason": "inactivity",
            "alert_id": FIRST_ALERT_ID,
            "last_activity": None,
            "last_activity_entity": None,
            "inactive_seconds": 15000,
            "monitoring": "ok",
            "message": (
                "Mum: the alert at care level critical was acknowledged by Mock User;"
                " no sign of activity for 4 h 10 min."
            ),
            "by": "Mock User",
            "note": note,
        }
    ]
    assert hass_admin_user.name == "Mock User"
    assert events[0].context is context
    care_level = hass.states.get("sensor.mum_care_level")
    assert care_level is not None
    assert care_level.state == "critical"
    assert care_level.attributes["acknowledged"] is True

    # No reminders any more (up to the point where the quiet sources would go stale).
    await walk(
        hass,
        freezer,
        START + timedelta(hours=4, minutes=10),
        START + timedelta(hours=5, minutes=59),
    )
    assert len(events) == 1


async def test_acknowledge_from_an_automation_has_no_name_and_no_note(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await advance(hass, freezer, START + timedelta(hours=2))
    events = async_capture_events(hass, EVENT_CARE)
    await call(hass, "acknowledge", {"config_entry_id": household.entry_id})

    assert len(events) == 1
    assert events[0].data["by"] is None
    assert events[0].data["note"] is None
    assert events[0].data["message"] == (
        "Mum: the alert at care level warning was acknowledged; no sign of activity for 2 h."
    )


async def test_acknowledge_at_normal_is_refused(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_admin_user: Any,
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    before = shown(hass)
    freezer.move_to(START + timedelta(minutes=30))

    with pytest.raises(ServiceValidationError) as caught:
        await call(
            hass,
            "acknowledge",
            {"config_entry_id": household.entry_id, "note": "checked"},
            Context(user_id=hass_admin_user.id),
        )

    err = caught.value
    assert err.translation_domain == DOMAIN
    assert err.translation_key == "nothing_to_acknowledge"
    assert err.translation_placeholders == {"household": "Mum"}
    assert str(err) == "Mum is at normal: there is no alert to acknowledge"
    assert events == []
    assert shown(hass) == before


# ---------------------------------------------------------------- set_away / end_away


async def test_set_away_for_a_duration_pauses_alerts_and_resumes_by_itself(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    # The UI's duration selector sends a dict with every unit.
    duration = {"days": 0, "hours": 4, "minutes": 0, "seconds": 0}
    await call(hass, "set_away", {"config_entry_id": household.entry_id, "duration": duration})

    end = START + timedelta(hours=4)
    assert [event.data for event in events] == [
        {
            **base_payload(hass, household),
            "type": "monitoring",
            "level": "normal",
            "previous_level": "normal",
            "reason": "none",
            "alert_id": None,
            "last_activity": None,
            "last_activity_entity": None,
            "inactive_seconds": 0,
            "monitoring": "away",
            "message": "Mum: the resident is away, so inactivity alerts are paused.",
            "previous_monitoring": "ok",
        }
    ]
    monitoring = hass.states.get("sensor.mum_monitoring")
    assert monitoring is not None
    assert monitoring.state == "away"
    assert monitoring.attributes["away_until"] == end
    away = hass.states.get("switch.mum_away")
    assert away is not None
    assert away.state == "on"
    assert away.attributes["until"] == end
    assert state(hass, "sensor.mum_next_escalation") == "unknown"

    # Four quiet hours, longer than the critical threshold: no alert at all.
    await walk(hass, freezer, START, end - timedelta(seconds=1))
    assert len(events) == 1
    assert state(hass, "sensor.mum_care_level") == "normal"

    await advance(hass, freezer, end)
    assert len(events) == 2
    assert events[1].data == {
        **base_payload(hass, household),
        "type": "monitoring",
        "level": "normal",
        "previous_level": "normal",
        "reason": "none",
        "alert_id": None,
        "last_activity": None,
        "last_activity_entity": None,
        "inactive_seconds": 0,
        "monitoring": "ok",
        "message": "Mum: the away period is over and monitoring has resumed.",
        "previous_monitoring": "away",
    }
    assert state(hass, "sensor.mum_monitoring") == "ok"
    assert state(hass, "switch.mum_away") == "off"
    assert state(hass, "sensor.mum_next_escalation") == ("2026-03-02T22:00:00+00:00")

    # A fresh clock: attention one hour after the end of the away period, not at once.
    await walk(hass, freezer, end, end + timedelta(minutes=59))
    assert len(events) == 2
    await advance(hass, freezer, end + timedelta(hours=1))
    assert types(events[2:]) == [("alert", "attention")]
    assert events[2].data["inactive_seconds"] == 3600


async def test_set_away_at_warning_ends_the_alert(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await advance(hass, freezer, START + timedelta(hours=2))
    events = async_capture_events(hass, EVENT_CARE)
    await call(hass, "set_away", {"config_entry_id": household.entry_id, "duration": "72:00:00"})

    assert [(e.data["type"], e.data.get("resolved_by"), e.data["monitoring"]) for e in events] == [
        ("resolved", "check_in", "ok"),
        ("monitoring", None, "away"),
    ]
    assert state(hass, "sensor.mum_care_level") == "normal"
    assert attribute(hass, "switch.mum_away", "until") == (START + timedelta(hours=74))


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        # The UI's date-time picker sends local wall-clock time without an offset.
        ("2026-03-03 05:30:00", datetime(2026, 3, 2, 20, 30, tzinfo=UTC)),
        # A script or automation may give any offset.
        ("2026-03-02T21:30:00+01:00", datetime(2026, 3, 2, 20, 30, tzinfo=UTC)),
        ("2026-03-02T20:30:00Z", datetime(2026, 3, 2, 20, 30, tzinfo=UTC)),
    ],
    ids=["local_naive", "aware_offset", "aware_utc"],
)
async def test_set_away_until(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    until: str,
    expected: datetime,
) -> None:
    await hass.config.async_set_time_zone("Asia/Seoul")
    events = async_capture_events(hass, EVENT_CARE)
    await call(hass, "set_away", {"config_entry_id": household.entry_id, "until": until})

    assert attribute(hass, "switch.mum_away", "until") == expected
    response = await status(hass, {"config_entry_id": household.entry_id})
    assert response["households"][0]["away_until"] == expected.isoformat()

    await walk(hass, freezer, START, expected - timedelta(seconds=1))
    assert types(events) == [("monitoring", "normal")]
    await advance(hass, freezer, expected)
    assert [(e.data["type"], e.data["monitoring"]) for e in events] == [
        ("monitoring", "away"),
        ("monitoring", "ok"),
    ]
    assert state(hass, "sensor.mum_next_escalation") == (
        (expected + timedelta(hours=1)).isoformat()
    )


TOO_LONG = (
    "An away period can last at most 366 days, which covers a long hospital stay. An end "
    "further away is most likely a typing mistake and would leave the home unwatched. For "
    "an absence of unknown length, set away without an end, and end it with `end_away` when "
    "the resident is back"
)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"until": "2026-03-02T16:59:00+00:00"},
            (
                "away_end_in_past",
                {"until": "2026-03-02T16:59:00+00:00"},
                "The away period must end in the future (got 2026-03-02T16:59:00+00:00)",
            ),
        ),
        (
            {"until": "2026-03-02T19:00:00+00:00"},  # the very moment of the call
            (
                "away_end_in_past",
                {"until": "2026-03-02T19:00:00+00:00"},
                "The away period must end in the future (got 2026-03-02T19:00:00+00:00)",
            ),
        ),
        (
            {"until": "2026-03-03T12:00:00+00:00", "duration": {"hours": 3}},
            ("until_and_duration", None, "Give either `until` or `duration`, not both"),
        ),
        (
            {"duration": {"days": 0, "hours": 0, "minutes": 0, "seconds": 0}},
            ("duration_not_positive", None, "The away duration must be longer than zero"),
        ),
        (
            {"duration": "00:00:00"},
            ("duration_not_positive", None, "The away duration must be longer than zero"),
        ),
        (
            # Before year 1 once in UTC: it cannot even be converted.
            {"until": "0001-01-01T00:00:00+23:59"},
            (
                "away_end_in_past",
                {"until": "0001-01-01T00:00:00+23:59"},
                "The away period must end in the future (got 0001-01-01T00:00:00+23:59)",
            ),
        ),
        *(
            (data, ("away_too_long", {"days": "366"}, TOO_LONG))
            for data in (
                {"duration": {"days": 366, "seconds": 1}},
                {"until": "2027-03-03T19:00:01+00:00"},
                {"duration": {"days": 3_652_500}},  # 10,000 years
                {"duration": 315_576_000_000},  # 10,000 years, in seconds
                {"duration": "87660000:00:00"},  # 10,000 years, in hours
                # The longest period the schema accepts.
                {"duration": {"days": 999_999_999, "hours": 23, "minutes": 59, "seconds": 59}},
                # Local time west of UTC: as UTC it would be in year 10000.
                {"until": "9999-12-31 23:59:59"},
                {"until": "9999-12-31T23:59:59.999999-23:59"},
                {"until": "9999-12-31T23:59:59.999999+23:59"},
            )
        ),
    ],
    ids=[
        "until_past",
        "until_now",
        "until_and_duration",
        "zero_dict",
        "zero_text",
        "until_year_1",
        "a_second_too_long",
        "until_a_second_too_late",
        "10000_years",
        "10000_years_seconds",
        "10000_years_hours",
        "longest_duration",
        "until_end_of_calendar_local",
        "until_end_of_calendar_west",
        "until_end_of_calendar_east",
    ],
)
async def test_set_away_refused_changes_nothing(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    data: dict[str, Any],
    error: tuple[str, dict[str, str] | None, str],
) -> None:
    key, placeholders, message = error
    # At warning, a valid set_away would end the alert: a refused one must not.
    await advance(hass, freezer, START + timedelta(hours=2))
    events = async_capture_events(hass, EVENT_CARE)
    before = shown(hass)

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "set_away", {"config_entry_id": household.entry_id, **data})

    err = caught.value
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    assert err.translation_placeholders == placeholders
    assert str(err) == message
    assert events == []
    assert shown(hass) == before
    # The alert carries on as if nothing had been asked: the reminder comes on time.
    await advance(hass, freezer, START + timedelta(hours=2, minutes=30))
    assert types(events) == [("reminder", "warning")]


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("set_away", {"duration": "-01:00:00"}),
        ("set_away", {"until": "next Tuesday"}),
        ("set_away", {"until": "2026-03-03T12:00:00+00:00", "unknown": 1}),
        ("acknowledge", {"note": ["not", "text"]}),
        ("check_in", {"config_entry_id": None}),
        # Values a timedelta or a datetime cannot hold at all.
        ("set_away", {"duration": 1e15}),
        ("set_away", {"duration": "999999999999:00"}),
        ("set_away", {"duration": {"days": 1e10}}),
        ("set_away", {"until": "9999-12-31T23:59:59+99:00"}),
    ],
    ids=[
        "negative_duration",
        "until_not_a_time",
        "unknown_field",
        "note_not_text",
        "no_target",
        "duration_past_timedelta_seconds",
        "duration_past_timedelta_hours",
        "duration_past_timedelta_days",
        "until_offset_past_a_day",
    ],
)
async def test_malformed_call_is_refused_by_the_schema(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    service: str,
    data: dict[str, Any],
) -> None:
    await advance(hass, freezer, START + timedelta(hours=2))
    events = async_capture_events(hass, EVENT_CARE)
    before = shown(hass)
    with pytest.raises(vol.Invalid):
        await call(hass, service, {"config_entry_id": household.entry_id, **data})
    assert events == []
    assert shown(hass) == before


@pytest.mark.parametrize(
    "data",
    [{"duration": {"days": 366}}, {"until": "2027-03-03T17:00:00+00:00"}],
    ids=["duration", "until"],
)
async def test_set_away_for_the_longest_period(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    data: dict[str, Any],
) -> None:
    """A stay of a year and a day is accepted and ends by itself; watching resumes."""
    end = START + timedelta(days=366)
    events = async_capture_events(hass, EVENT_CARE)
    await call(hass, "set_away", {"config_entry_id": household.entry_id, **data})
    assert attribute(hass, "switch.mum_away", "until") == end
    assert types(events) == [("monitoring", "normal")]

    await advance(hass, freezer, end - timedelta(seconds=1))
    assert state(hass, "switch.mum_away") == "on"
    for entity_id in SOURCES_OK:
        source = state_of(hass, entity_id)  # the sensors report as they always do
        hass.states.async_set(entity_id, source.state, source.attributes, force_update=True)
    await advance(hass, freezer, end)
    assert [(e.data["type"], e.data["monitoring"]) for e in events[1:]] == [("monitoring", "ok")]
    assert state(hass, "switch.mum_away") == "off"
    assert state(hass, "sensor.mum_next_escalation") == (end + timedelta(hours=1)).isoformat()


async def test_set_away_without_an_end_lasts_until_end_away(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    events = async_capture_events(hass, EVENT_CARE)
    await call(hass, "set_away", {"config_entry_id": household.entry_id})
    away = hass.states.get("switch.mum_away")
    assert away is not None
    assert away.state == "on"
    assert away.attributes["until"] is None

    back = START + timedelta(hours=2, minutes=15)
    await walk(hass, freezer, START, back)
    assert types(events) == [("monitoring", "normal")]

    await call(hass, "end_away", {"config_entry_id": household.entry_id})
    assert [(e.data["type"], e.data["monitoring"], e.data["message"]) for e in events[1:]] == [
        ("monitoring", "ok", "Mum: the away period is over and monitoring has resumed.")
    ]
    assert state(hass, "switch.mum_away") == "off"
    assert state(hass, "sensor.mum_next_escalation") == ("2026-03-02T20:15:00+00:00")
    await walk(hass, freezer, back, back + timedelta(minutes=59))
    assert len(events) == 2
    await advance(hass, freezer, back + timedelta(hours=1))
    assert types(events[2:]) == [("alert", "attention")]


async def test_end_away_when_not_away_changes_nothing(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await advance(hass, freezer, START + timedelta(hours=1))
    events = async_capture_events(hass, EVENT_CARE)
    before = shown(hass)
    await call(hass, "end_away", {"config_entry_id": household.entry_id})
    assert events == []
    assert shown(hass) == before


# ---------------------------------------------------------------- get_status


async def test_get_status_of_one_household(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START + timedelta(minutes=10))
    hass.states.async_set("binary_sensor.hallway_motion", "on", {"device_class": "motion"})
    await hass.async_block_till_done()
    freezer.move_to(START + timedelta(minutes=11))
    hass.states.async_set("binary_sensor.hallway_motion", "off", {"device_class": "motion"})
    await advance(hass, freezer, START + timedelta(hours=1, minutes=30))

    response = await status(hass, {"config_entry_id": household.entry_id})

    assert response == {
        "households": [
            {
                "config_entry_id": household.entry_id,
                "household": "Mum",
                "level": "attention",
                "reason": "inactivity",
                "alert_id": "20260302T181000Z-1",
                "acknowledged": False,
                "monitoring": "ok",
                "last_activity": "2026-03-02T17:10:00+00:00",
                "last_activity_entity": "binary_sensor.hallway_motion",
                "inactive_seconds": 4800,
                "next_escalation": "2026-03-02T19:10:00+00:00",
                "next_level": "warning",
                "away_until": None,
                "activity_today": 1,
                "sources_online": 5,
                "sources_total": 5,
                "sources": SOURCES_OK,
                "routine_days": 0.0,
                "routine_ready": False,
                "explanation": None,
            }
        ]
    }


async def test_get_status_of_every_loaded_household(
    hass: HomeAssistant, household: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("media_player.dad_tv", "off")
    dad = MockConfigEntry(
        domain=DOMAIN,
        title="Dad",
        options={
            "other_sources": ["media_player.dad_tv"],
            "risk_group": "custom",
            "attention_after": {"hours": 6},
            "warning_after": {"hours": 8},
            "critical_after": {"hours": 10},
        },
    )
    dad.add_to_hass(hass)
    assert await hass.config_entries.async_setup(dad.entry_id)
    await hass.async_block_till_done()
    # Not loaded: not part of the answer.
    MockConfigEntry(domain=DOMAIN, title="Aunt", options=household.options).add_to_hass(hass)
    await call(hass, "set_away", {"config_entry_id": dad.entry_id, "duration": "24:00:00"})
    await advance(hass, freezer, START + timedelta(hours=2, minutes=5))

    response = await status(hass)

    assert response == {
        "households": [
            {
                "config_entry_id": household.entry_id,
                "household": "Mum",
                "level": "warning",
                "reason": "inactivity",
                "alert_id": FIRST_ALERT_ID,
                "acknowledged": False,
                "monitoring": "ok",
                "last_activity": None,
                "last_activity_entity": None,
                "inactive_seconds": 7500,
                "next_escalation": "2026-03-02T20:00:00+00:00",
                "next_level": "critical",
                "away_until": None,
                "activity_today": 0,
                "sources_online": 5,
                "sources_total": 5,
                "sources": SOURCES_OK,
                "routine_days": 0.0,
                "routine_ready": False,
                "explanation": None,
            },
            {
                "config_entry_id": dad.entry_id,
                "household": "Dad",
                "level": "normal",
                "reason": "none",
                "alert_id": None,
                "acknowledged": False,
                "monitoring": "away",
                "last_activity": None,
                "last_activity_entity": None,
                "inactive_seconds": 7500,
                "next_escalation": None,
                "next_level": None,
                "away_until": "2026-03-03T17:00:00+00:00",
                "activity_today": 0,
                "sources_online": 1,
                "sources_total": 1,
                "sources": {"media_player.dad_tv": "ok"},
                "routine_days": 0.0,
                "routine_ready": False,
                "explanation": None,
            },
        ]
    }


async def test_get_status_with_no_household_loaded(
    hass: HomeAssistant, household: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_unload(household.entry_id)
    assert await status(hass) == {"households": []}


# ---------------------------------------------------------------- bad targets

ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("check_in", {}),
    ("acknowledge", {"note": "on my way"}),
    ("set_away", {"duration": {"hours": 5}}),
    ("end_away", {}),
    ("get_status", {}),
]


@pytest.mark.parametrize("request_", ACTIONS, ids=[a for a, _ in ACTIONS])
@pytest.mark.parametrize("target", ["unknown", "other_domain", "unloaded"])
async def test_bad_target_is_refused_and_changes_nothing(
    hass: HomeAssistant,
    household: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    request_: tuple[str, dict[str, Any]],
    target: str,
) -> None:
    action, extra = request_
    await advance(hass, freezer, START + timedelta(hours=2))  # something to act on
    if target == "unknown":
        entry_id = "01JUNKNOWNENTRY0000000000"
        key = "service_config_entry_not_found"
        placeholders = {"domain": DOMAIN, "entry_id": entry_id}
        message = f"Integration care_plug config entry with ID {entry_id} was not found"
    elif target == "other_domain":
        sun = MockConfigEntry(domain="sun", title="Sun")
        sun.add_to_hass(hass)
        entry_id = sun.entry_id
        key = "service_config_entry_wrong_domain"
        placeholders = {"domain": DOMAIN, "entry_title": "Sun"}
        message = "Config entry Sun does not belong to integration care_plug"
    else:
        dad = MockConfigEntry(domain=DOMAIN, title="Dad", options=household.options)
        dad.add_to_hass(hass)
        assert await hass.config_entries.async_setup(dad.entry_id)
        assert await hass.config_entries.async_unload(dad.entry_id)
        assert dad.state is ConfigEntryState.NOT_LOADED
        entry_id = dad.entry_id
        key = "service_config_entry_not_loaded"
        placeholders = {"domain": DOMAIN, "entry_title": "Dad"}
        message = "Config entry Dad for integration care_plug is not loaded"
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_CARE)
    before = shown(hass)

    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            action,
            {"config_entry_id": entry_id, **extra},
            blocking=True,
            return_response=action == "get_status",
        )

    err = caught.value
    assert err.translation_domain == "homeassistant"
    assert err.translation_key == key
    assert err.translation_placeholders == placeholders
    assert str(err) == message
    assert events == []
    assert shown(hass) == before
