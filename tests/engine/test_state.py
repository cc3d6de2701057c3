"""Saving and restoring a household (engine/state.py): the whole document, and every
kind of damage refused with StateError, never another error and never half-restored."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.care_plug.engine import CareEvent, Household, Level, Role
from custom_components.care_plug.engine.routine import SLOT_SECONDS
from custom_components.care_plug.engine.state import (
    StateError,
    from_dict,
    restore,
    save,
    to_dict,
)

from .test_monitor import (
    ATTENTION,
    FRIDGE,
    HALL,
    MIN,
    T0,
    TV,
    busy_household,
    household,
    tv_on,
)
from .test_monitor import settings as household_settings

CLOCK = T0 + timedelta(hours=1)


def saved_document() -> dict[str, Any]:
    house = busy_household()
    document: dict[str, Any] = json.loads(json.dumps(save(house, CLOCK)))
    return document


def test_the_document_restores_the_same_household_with_its_save_time() -> None:
    house = busy_household()
    document = json.loads(json.dumps(save(house, CLOCK)))
    restored = restore(house.settings, document, clock=CLOCK)
    assert restored.saved_at == CLOCK
    assert to_dict(restored.household) == to_dict(house)
    assert restored.household.status == house.status
    assert document["activity_today"] == {"date": "2026-03-02", "count": 1}


def test_activity_today_restores_only_on_its_own_day() -> None:
    house = household({TV: Role.POWER, HALL: Role.PRESENCE})
    tv_on(house, T0)
    house.observe(HALL, "off", T0)
    house.observe(HALL, "on", T0 + MIN)
    document = json.loads(json.dumps(save(house, T0 + MIN)))
    assert restore(house.settings, document, clock=T0 + MIN).household.status.activity_today == 2
    document["activity_today"]["date"] = "2026-03-01"
    assert restore(house.settings, document, clock=T0 + MIN).household.status.activity_today == 0


def test_the_day_count_starts_again_at_midnight_as_a_deadline() -> None:
    house = household({HALL: Role.PRESENCE}, attention=timedelta(days=2),
                      warning=timedelta(days=3), critical=timedelta(days=4))  # fmt: skip
    house.observe(HALL, "off", T0)
    house.observe(HALL, "on", T0)
    midnight = datetime(2026, 3, 3, tzinfo=UTC)
    assert house.status.activity_today == 1
    assert house.next_deadline() == midnight
    house.advance(midnight)
    assert house.status.activity_today == 0
    assert house.next_deadline() == T0 + timedelta(days=2)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("now", 1e18),
        ("now", -5.0),
        ("quiet_since", 1e18),
        ("last_activity", 1e300),
        ("next_reminder", 1e18),
        ("away_until", 1e17),
        ("lost_since", float("inf")),
        ("episodes", True),
        ("episodes", -1),
        ("acknowledged", "yes"),
        ("last_activity_entity", 42),
        ("explanation", {"usual_activities": "six"}),
        ("explanation", ["usual"]),
    ],
)
def test_a_field_a_household_could_not_have_written_is_refused(field: str, value: Any) -> None:
    document = saved_document()
    document["engine"][field] = value
    with pytest.raises(StateError):
        restore(household_settings(), document, clock=CLOCK)


def test_a_time_after_the_stored_clock_is_refused() -> None:
    document = saved_document()
    document["engine"]["quiet_since"] = document["engine"]["now"] + 60
    with pytest.raises(StateError, match="after the stored clock"):
        restore(household_settings(), document, clock=CLOCK)


def test_a_stored_clock_far_ahead_of_this_machine_is_refused() -> None:
    """A clock once set ten years ahead: its deadlines would never come."""
    document = saved_document()
    ahead = (CLOCK + timedelta(days=3650)).timestamp()
    moved = ("now", "clock", "quiet_since", "last_activity")
    document["engine"] |= dict.fromkeys(moved, ahead)
    with pytest.raises(StateError, match="ahead"):
        restore(household_settings(), document, clock=CLOCK)
    # A few hours ahead (a clock corrected since) is still this household.
    near = (CLOCK + timedelta(hours=3)).timestamp()
    document["engine"] |= dict.fromkeys(moved, near)
    restored = restore(household_settings(), document, clock=CLOCK).household
    assert restored.level.key == document["engine"]["level"]


def _held_household() -> Household:
    """A plug and a motion sensor; the plug came back a minute ago and is offline again,
    held; a fridge offline, counted."""
    house = household({TV: Role.POWER, HALL: Role.PRESENCE, FRIDGE: Role.BACKGROUND_POWER})
    tv_on(house, T0)
    house.observe(HALL, "off", T0)
    house.observe(FRIDGE, "unavailable", T0 + MIN)
    house.observe(TV, "unavailable", T0 + 2 * MIN)
    house.observe(TV, "80", T0 + 3 * MIN)
    house.observe(TV, "unavailable", T0 + 4 * MIN)  # held
    return house


def test_counted_health_and_the_clock_are_saved_and_restored() -> None:
    house = _held_household()
    told = T0 - timedelta(hours=2) + 5 * MIN  # the clock set back, from T0 + 4 min
    house.advance(told)
    document = json.loads(json.dumps(save(house, CLOCK)))
    saved_tv = document["engine"]["sources"][TV]
    assert saved_tv["health"] == "ok"
    assert saved_tv["held_since"] == told.timestamp()  # moved back with the clock
    assert document["engine"]["clock"] < document["engine"]["now"]
    restored = restore(house.settings, document, clock=CLOCK).household
    assert to_dict(restored) == to_dict(house)
    assert restored.next_deadline() == house.next_deadline()
    assert restored.clock == house.clock
    assert restored.now == house.now


def test_a_save_from_before_counted_health_and_the_clock_were_kept_restores() -> None:
    house = _held_household()
    document = json.loads(json.dumps(save(house, T0 + 5 * MIN)))
    document["engine"].pop("clock")
    for source in document["engine"]["sources"].values():
        for key in ("health", "held_since", "offline_since", "changed_at", "prompt"):
            source.pop(key)
    restored = restore(house.settings, document, clock=T0 + 5 * MIN).household
    assert restored.clock == restored.now == house.now
    # Counted as their readings show them; the fridge's return is told at once, as before.
    assert restored.source_health() == {TV: "unavailable", HALL: "ok", FRIDGE: "unavailable"}
    out = restored.observe(FRIDGE, "85", T0 + 6 * MIN)
    assert [e.monitoring.value for e in out if isinstance(e, CareEvent)] == []  # TV still off
    assert restored.source_health()[FRIDGE] == "ok"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("health", "flaky"),
        ("health", 1),
        ("held_since", "soon"),
        ("held_since", 1e18),
        ("offline_since", True),
        ("changed_at", float("nan")),
        ("prompt", "yes"),
    ],
)
def test_a_damaged_counted_health_is_refused(key: str, value: Any) -> None:
    document = json.loads(json.dumps(save(_held_household(), T0 + 5 * MIN)))
    document["engine"]["sources"][TV][key] = value
    with pytest.raises(StateError):
        restore(household_settings({TV: Role.POWER, HALL: Role.PRESENCE,
                                    FRIDGE: Role.BACKGROUND_POWER}),
                document, clock=T0 + 5 * MIN)  # fmt: skip


@pytest.mark.parametrize("field", ["quiet_since", "lost_since", "last_activity"])
def test_a_time_after_the_stored_engine_clock_is_refused(field: str) -> None:
    document = saved_document()
    document["engine"]["clock"] = document["engine"]["now"] - 3600
    document["engine"][field] = document["engine"]["now"] - 60
    with pytest.raises(StateError, match="after the stored clock"):
        restore(household_settings(), document, clock=CLOCK)


def test_a_stored_engine_clock_after_its_latest_instant_is_refused() -> None:
    document = saved_document()
    document["engine"]["clock"] = document["engine"]["now"] + 60
    with pytest.raises(StateError, match="clock"):
        restore(household_settings(), document, clock=CLOCK)


def test_a_save_time_ahead_of_the_clock_is_not_believed() -> None:
    document = saved_document()
    document["saved_at"] = (CLOCK + timedelta(days=1)).isoformat()
    assert restore(household_settings(), document, clock=CLOCK).saved_at is None


def _routine_document() -> dict[str, Any]:
    house = household({TV: Role.POWER})
    for hour in range(0, 200, 3):  # a week of switching on and off every few hours
        at = T0 + timedelta(hours=hour)
        house.observe(TV, "80", at)
        house.observe(TV, "0", at + MIN)
    document: dict[str, Any] = json.loads(json.dumps(save(house, T0 + timedelta(hours=201))))
    return document


@pytest.mark.parametrize("slot", ["12", True, 10**9, -3])
def test_a_damaged_routine_position_is_refused(slot: Any) -> None:
    document = _routine_document()
    document["engine"]["routine"]["slot"] = slot
    with pytest.raises(StateError, match="routine"):
        restore(household_settings({TV: Role.POWER}), document, clock=T0 + timedelta(days=9))


def test_learning_after_any_stored_position_costs_at_most_the_longest_silence() -> None:
    """Even a position the check lets through teaches no more than max_gap / 30 min."""
    document = _routine_document()
    engine = document["engine"]
    engine["routine"]["slot"] -= 40  # twenty hours behind its last activity: within a day
    restored = restore(
        household_settings({TV: Role.POWER}), document, clock=T0 + timedelta(days=9)
    ).household
    before = restored.routine.days
    restored.observe(TV, "80", T0 + timedelta(hours=201, minutes=1))
    learned = (restored.routine.days - before) * 48
    assert learned <= restored.settings.warning_after / SLOT_SECONDS + 2


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(document=JSON)
def test_any_json_restores_or_is_refused_with_state_error(document: Any) -> None:
    try:
        restored = restore(household_settings(), document, clock=CLOCK)
    except StateError:
        return
    restored.household.advance(CLOCK + ATTENTION)
    assert restored.household.status.level in Level


KEYS = list(to_dict(busy_household()))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(KEYS), value=JSON)
def test_any_value_in_any_field_restores_or_is_refused(key: str, value: Any) -> None:
    """The household that comes back (if any) runs: deadlines, status and a new save."""
    document = saved_document()
    document["engine"][key] = value
    try:
        house = restore(household_settings(), document, clock=CLOCK).household
    except StateError:
        return
    house.observe(TV, "80", CLOCK)
    house.advance(CLOCK + timedelta(days=3))
    assert house.status.level is Level.CRITICAL or house.status.monitoring.value == "away"
    json.dumps(save(house, CLOCK + timedelta(days=3)), allow_nan=False)
    assert from_dict(house.settings, to_dict(house)).status == house.status
