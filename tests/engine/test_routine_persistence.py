"""The learned routine survives a save and a restore exactly, stays small, and damaged or
older saved states are handled (docs/architecture.md, "Stored state")."""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from typing import Any

import pytest

from custom_components.care_plug.engine import Level
from custom_components.care_plug.engine.routine import PROFILE_SLOTS, RING
from custom_components.care_plug.engine.settings import MAX_THRESHOLD
from custom_components.care_plug.engine.state import StateError, from_dict, to_dict

from .test_routine import (
    ATTENTION,
    EMERGENCY,
    SEOUL,
    WARNING,
    WITH_MOTION,
    ZONE_NAME,
    alerts,
    feed,
    lived,
    rings,
    sim_readings,
    synthetic,
    synthetic_house,
    synthetic_settings,
)

LIMIT = 16 * 1024


def test_a_restored_household_keeps_its_routine_exactly_and_carries_on_the_same() -> None:
    at = EMERGENCY.astimezone(UTC) - timedelta(days=4)
    house = lived(WITH_MOTION, at)
    saved = json.loads(json.dumps(to_dict(house)))
    restored = from_dict(house.settings, saved, SEOUL, ZONE_NAME)
    assert restored._routine.save() == house._routine.save()
    assert restored.routine_days == house.routine_days
    limits = (ATTENTION.total_seconds(), WARNING.total_seconds())
    for step in range(7 * 48):
        since = at.timestamp() + step * 1800.0 + 11.0
        assert restored._routine.crossings(since, limits) == house._routine.crossings(since, limits)
    # Four more days, the last with the resident gone at EMERGENCY: the same outputs.
    later = [r for r in sim_readings(WITH_MOTION, 36) if at <= r.time < EMERGENCY]
    end = EMERGENCY + timedelta(hours=20)
    out, out_restored = feed(house, later, end), feed(restored, later, end)
    assert out == out_restored
    assert alerts(out, Level.WARNING)
    assert to_dict(restored) == to_dict(house)


def test_the_saved_routine_is_at_most_16_kb_with_every_slot_full() -> None:
    house, _ = synthetic(weeks=7)
    assert all(len(ring) == RING for ring in rings(house)[0])
    assert len(json.dumps(house._routine.save())) <= LIMIT
    # The worst case: every silence as long as the longest threshold allows, every mean
    # with all its digits.
    worst = to_dict(house)
    worst["routine"]["silence"] = [[int(MAX_THRESHOLD // 60)] * RING] * PROFILE_SLOTS
    worst["routine"]["mean"] = [9999.999] * PROFILE_SLOTS
    restored = from_dict(house.settings, worst, SEOUL, ZONE_NAME)
    assert len(json.dumps(restored._routine.save())) <= LIMIT


def _damage(routine: dict[str, Any], how: str) -> Any:
    if how == "not a dict":
        return [routine]
    if how == "unknown version":
        return {**routine, "version": 99}
    if how == "short silences":
        return {**routine, "silence": routine["silence"][:-1]}
    if how == "negative silence":
        return {**routine, "silence": [[-5], *routine["silence"][1:]]}
    if how == "text silence":
        return {**routine, "silence": [["12"], *routine["silence"][1:]]}
    if how == "float silence":
        return {**routine, "silence": [[1.5], *routine["silence"][1:]]}
    if how == "ring not a list":
        return {**routine, "silence": [7, *routine["silence"][1:]]}
    if how == "no silences":
        return {key: value for key, value in routine.items() if key != "silence"}
    if how == "short means":
        return {**routine, "mean": routine["mean"][1:]}
    if how == "infinite mean":
        return {**routine, "mean": [float("inf"), *routine["mean"][1:]]}
    if how == "text mean":
        return {**routine, "mean": ["x", *routine["mean"][1:]]}
    if how == "text anchor":
        return {**routine, "anchor": "yesterday"}
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "not a dict",
        "unknown version",
        "short silences",
        "negative silence",
        "text silence",
        "float silence",
        "ring not a list",
        "no silences",
        "short means",
        "infinite mean",
        "text mean",
        "text anchor",
    ],
)
def test_a_damaged_routine_is_refused(how: str) -> None:
    house, _ = synthetic(weeks=2)
    data = to_dict(house)
    data["routine"] = _damage(data["routine"], how)
    with pytest.raises(StateError):
        from_dict(house.settings, data, SEOUL, ZONE_NAME)


def test_a_state_saved_before_the_routine_existed_restores_with_a_fresh_routine() -> None:
    house, _ = synthetic(weeks=2)
    quiet = house.quiet_since
    house.advance(quiet + ATTENTION + timedelta(minutes=1))
    level = house.level
    assert level is not Level.NORMAL
    data = to_dict(house)
    del data["routine"]
    restored = from_dict(synthetic_settings(), data, SEOUL, ZONE_NAME)
    assert restored.routine_ready is False
    assert restored.routine_days == 0
    assert restored.level is level
    assert restored.alert_id == house.alert_id
    assert restored.quiet_since == quiet
    fresh = synthetic_house()
    assert restored._routine.save()["silence"] == fresh._routine.save()["silence"]
