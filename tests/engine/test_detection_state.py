"""The detection's memory (appliances, how silences began, the resident's tracker) saved
and restored by engine/state.py, kept by a renamed source, and shown in the status."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from custom_components.care_plug.engine import Level, Monitoring, Reason, Role
from custom_components.care_plug.engine.appliances import MAX_MINUTES
from custom_components.care_plug.engine.monitor import Household
from custom_components.care_plug.engine.state import StateError, restore, save, to_dict
from custom_components.care_plug.presentation.status import status_dict

from .test_appliances import (
    HALL,
    LUX,
    TV,
    alerts,
    at,
    first_alert,
    house,
    motion,
    trained_tv_house,
)

ON_AT = at(5, 21 + 40 / 60)  # the TV switched on at 21:40
LAST_SEEN = at(5, 21.75)  # the resident last seen at 21:45


def tv_left_on() -> Household:
    """Five usual evenings, then the TV on at 21:40 and nobody seen after 21:45."""
    h = trained_tv_house()
    h.observe(TV, "90", ON_AT)
    motion(h, LAST_SEEN)
    return h


def document(h: Household) -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(json.dumps(save(h, h.now)))
    return stored


def restored(h: Household, doc: dict[str, Any]) -> Household:
    return restore(h.settings, doc, clock=h.now, location=(37.57, 126.98),
                   time_zone="Asia/Seoul").household  # fmt: skip


def alert_times(h: Household, until: Any) -> list[tuple[Level, Any, Reason]]:
    return [(a.level, a.time, a.reason) for a in alerts(h.advance(until))]


# ---------------------------------------------------------------------- the document


def test_a_restart_mid_episode_keeps_the_appliance_alert_and_its_explanation() -> None:
    h = tv_left_on()
    first_alert(h, at(6, 1.0), Level.ATTENTION)
    assert h.reason is Reason.APPLIANCE_LEFT_ON
    doc = document(h)
    assert doc["engine"]["explanation"]["kind"] == "appliance"
    back = restored(h, doc)
    assert back.status == h.status
    assert back.explanation == h.explanation
    assert to_dict(back) == to_dict(h)
    # ... and it goes on exactly as the household that never stopped.
    assert alert_times(back, at(6, 6)) == alert_times(h, at(6, 6))


def test_a_save_from_before_detection_still_loads_and_starts_learning() -> None:
    h = tv_left_on()
    doc = document(h)
    for key in ("appliances", "beginnings", "presence_away"):
        del doc["engine"][key]
    doc["engine"]["level"], doc["engine"]["alert_id"] = "attention", "20260307T000000Z-1"
    doc["engine"]["explanation"] = {
        "usual_activities": 6, "window_start": "07:00", "window_end": "10:00",
        "quiet_since": "22:41", "usual_longest_minutes": 90,
    }  # fmt: skip
    back = restored(h, doc)
    assert back.level is Level.ATTENTION
    assert back.explanation is not None
    assert (back.explanation.kind, back.explanation.source) == ("routine", None)
    assert to_dict(back)["appliances"]["durations"] == {}
    assert back.presence_away is False


DAMAGED_APPLIANCES: list[tuple[str, Any]] = [
    ("version", 99),
    ("durations", ["not", "a", "dict"]),
    ("durations", {TV: [[1, 2]]}),  # not 24 hours
    ("durations", {TV: [[-5]] * 24}),
    ("durations", {TV: [[MAX_MINUTES + 1]] * 24}),
    ("durations", {TV: [7] * 24}),
    ("on_since", {TV: "21:40"}),
    ("on_since", {TV: 1e300}),
    ("on_since", {TV: float("nan")}),
    ("on_since", []),
]


@pytest.mark.parametrize(("key", "value"), DAMAGED_APPLIANCES)
def test_damaged_appliance_memory_starts_afresh_and_keeps_the_household(
    key: str, value: Any
) -> None:
    h = tv_left_on()
    doc = document(h)
    doc["engine"]["appliances"][key] = value
    back = restored(h, doc)
    saved = to_dict(back)["appliances"]
    assert (saved["durations"], saved["on_since"]) == ({}, {})
    # Level, clocks and routine as they were; only the appliance's early deadline is gone.
    assert replace(back.status, next_escalation=None) == replace(h.status, next_escalation=None)
    assert back.status.next_escalation == LAST_SEEN + timedelta(hours=12)
    assert back.routine_days == h.routine_days


def test_an_appliance_on_since_after_the_stored_clock_starts_afresh() -> None:
    h = tv_left_on()
    doc = document(h)
    doc["engine"]["appliances"]["on_since"][TV] = doc["engine"]["now"] + 3600
    assert to_dict(restored(h, doc))["appliances"]["on_since"] == {}


DAMAGED_BEGINNINGS: list[tuple[str, Any]] = [
    ("version", "1"),
    ("gaps", 5),
    ("gaps", {f"{HALL}|seen": [[30]] * 3}),  # not 12 slots
    ("gaps", {f"{HALL}|seen": [30] * 12}),
    ("gaps", {f"{HALL}|seen": [[True]] * 12}),
    ("last", [HALL, "sideways", 0.0]),
    ("last", [HALL, "seen"]),
    ("last", [HALL, "seen", "yesterday"]),
    ("last", [HALL, "seen", 1e300]),
]


@pytest.mark.parametrize(("key", "value"), DAMAGED_BEGINNINGS)
def test_damaged_silence_starts_start_afresh_and_keep_the_household(key: str, value: Any) -> None:
    h = tv_left_on()
    doc = document(h)
    doc["engine"]["beginnings"][key] = value
    back = restored(h, doc)
    assert to_dict(back)["beginnings"] == {"version": 1, "gaps": {}, "last": None}
    assert back.status == h.status


@pytest.mark.parametrize(
    "explanation",
    [
        {"kind": "horoscope"},
        {"kind": ["appliance"]},
        {"edge": "sideways"},
        {"source": 42},
        {"source": "sensor." + "x" * 300},
        {"on_since": "since the dawn of time"},
        {"usually_off_by": None},
    ],
)
def test_an_explanation_a_household_could_not_have_written_is_refused(
    explanation: dict[str, Any],
) -> None:
    h = tv_left_on()
    first_alert(h, at(6, 1.0), Level.ATTENTION)
    doc = document(h)
    doc["engine"]["explanation"] |= explanation
    with pytest.raises(StateError, match="explanation"):
        restored(h, doc)


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_a_damaged_tracker_flag_is_refused(value: Any) -> None:
    h = house({TV: Role.POWER, HALL: Role.PRESENCE})
    h.resident_away(at(0, 10), away=True)
    doc = document(h)
    doc["engine"]["presence_away"] = value
    with pytest.raises(StateError, match="presence_away"):
        restored(h, doc)


def test_the_tracker_away_survives_a_restart_and_home_still_ends_it() -> None:
    h = house({TV: Role.POWER, HALL: Role.PRESENCE})
    motion(h, at(0, 9))
    h.resident_away(at(0, 10), away=True)
    back = restored(h, document(h))
    assert (back.away, back.presence_away) == (True, True)
    back.resident_away(at(0, 18), away=False)
    assert back.monitoring is Monitoring.OK
    # A tracker flag without an away period (damage or an edited file) means nothing.
    doc = document(back)
    doc["engine"]["presence_away"] = True
    assert restored(back, doc).presence_away is False


def test_a_restart_forgets_what_was_learned_of_sources_no_longer_watched() -> None:
    h = tv_left_on()
    doc = document(h)
    without_tv = house({HALL: Role.PRESENCE})
    back = restore(without_tv.settings, doc, clock=h.now).household
    saved = to_dict(back)
    assert saved["appliances"]["durations"] == {}
    assert all(not key.startswith(TV) for key in saved["beginnings"]["gaps"])
    assert saved["beginnings"]["gaps"]  # the hall's own quiet spells stay


# ---------------------------------------------------------------------- a renamed source


def test_a_renamed_tv_keeps_its_sessions_and_its_running_session() -> None:
    """Renamed in Home Assistant while it is on: the alert comes as it would have, and
    names the new entity id."""
    kept, renamed = tv_left_on(), tv_left_on()
    new = "sensor.living_room_tv_power"
    renamed.rename_source(TV, new)
    saved = to_dict(renamed)
    assert list(saved["appliances"]["durations"]) == [new]
    assert list(saved["appliances"]["on_since"]) == [new]
    assert {key.split("|")[0] for key in saved["beginnings"]["gaps"]} <= {new, HALL}
    assert any(key.startswith(new) for key in saved["beginnings"]["gaps"])
    assert alert_times(renamed, at(6, 6)) == alert_times(kept, at(6, 6))
    assert renamed.explanation is not None
    assert renamed.explanation.source == new
    assert renamed.reason is Reason.APPLIANCE_LEFT_ON


def test_renaming_during_the_alert_renames_the_explanation_too() -> None:
    h = tv_left_on()
    first_alert(h, at(6, 1.0), Level.ATTENTION)
    h.rename_source(TV, "sensor.tv_2")
    assert h.explanation is not None
    assert h.explanation.source == "sensor.tv_2"
    assert h.status.explanation == h.explanation


# ---------------------------------------------------------------------- the status


def test_the_status_shows_the_appliance_alert_and_when_it_escalates() -> None:
    h = tv_left_on()
    before = h.status
    assert before.next_level is Level.ATTENTION
    # Within hours of the TV's usual end (23:52), not the fixed 12 h after 21:45.
    assert before.next_escalation is not None
    assert before.next_escalation < at(6, 2)
    raised = first_alert(h, at(6, 1.0), Level.ATTENTION)
    assert raised is not None
    assert raised.time == before.next_escalation
    status = h.status
    assert (status.level, status.reason) == (Level.ATTENTION, Reason.APPLIANCE_LEFT_ON)
    assert status.explanation == raised.explanation
    assert status.next_escalation == raised.time + timedelta(minutes=30)
    shown = status_dict(status, h.now, "en")
    assert shown["explanation"] == "an appliance has been on since 21:40, usually off by 23:52"
    assert "21:40부터 켜져 있음" in status_dict(status, h.now, "ko")["explanation"]


def test_a_lamp_found_on_at_dusk_moves_the_next_escalation_without_any_activity() -> None:
    h = house({LUX: Role.LIGHT, HALL: Role.PRESENCE})
    for day in range(5):
        for hour in range(8, 20):
            motion(h, at(day, hour))
        h.observe(LUX, "0", at(day, 19.5))
        h.observe(LUX, "90", at(day, 19.75))
        motion(h, at(day, 20.5))
        h.observe(LUX, "0", at(day, 22.5))
        h.observe(LUX, "0.5", at(day + 1, 7.5))
    h.observe(LUX, "90", at(5, 17.0))  # a lamp on in daylight: it cannot be told yet
    motion(h, at(5, 19.7))
    before = h.status
    assert before.next_escalation == at(5, 19.7) + timedelta(hours=12)
    # After dark the same 90 lx is a lamp that is on: no step, so no activity, but the
    # household now knows a lamp is on and when it is usually off.
    assert not h.observe(LUX, "90", at(5, 19.75))
    after = h.status
    assert after is not before
    assert after.last_activity == before.last_activity
    assert after.next_escalation is not None
    assert after.next_escalation < before.next_escalation
