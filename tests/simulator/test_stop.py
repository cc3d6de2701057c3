"""After the stop: appliances hold, the fridge cycles, daylight moves, motion goes quiet."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import datetime, timedelta

import pytest

from custom_components.care_plug.engine.solar import sun_elevation
from simulator import Reading
from simulator.model import FRIDGE, ILLUMINANCE, KETTLE, MOTION, RICE_COOKER, TV

from .common import START, readings

HUMAN_PLUGS = (TV, KETTLE, RICE_COOKER)
STANDBY_W = 5.0


def _by_entity(rows: list[Reading]) -> dict[str, list[Reading]]:
    out: dict[str, list[Reading]] = defaultdict(list)
    for row in rows:
        out[row.entity_id].append(row)
    return out


def _split(
    profile: str, stop: datetime, days: float = 5
) -> tuple[dict[str, list[Reading]], dict[str, list[Reading]]]:
    rows = readings(profile, days=days, stop_at=stop)
    return (
        _by_entity([r for r in rows if r.time <= stop]),
        _by_entity([r for r in rows if r.time > stop]),
    )


# Evening with the TV and lamp on; a morning; the middle of the night.
STOPS = [START + timedelta(hours=h) for h in (19.4, 43.1, 50.0, 63.0)]


@pytest.mark.parametrize("stop", STOPS)
def test_human_appliances_hold_their_power(stop: datetime) -> None:
    before, after = _split("homebody_motion", stop)
    for entity_id in HUMAN_PLUGS:
        held = float(before[entity_id][-1].state)
        for row in after.get(entity_id, []):
            value = float(row.state)
            if held <= STANDBY_W:
                assert value <= STANDBY_W, row
            else:
                # Still on, with the small changes of a running appliance: no switch, and
                # no step by the engine's default rule (30 W or 80 %).
                assert abs(value - held) < max(30.0, 0.8 * held), row


def test_a_tv_left_on_keeps_reporting_its_noise() -> None:
    stop = START + timedelta(hours=19.9)
    before, after = _split("homebody_motion", stop, days=3)
    assert float(before[TV][-1].state) > 50
    assert len(after[TV]) > 100
    assert all(float(r.state) > 30 for r in after[TV])


@pytest.mark.parametrize("stop", STOPS)
def test_fridge_keeps_cycling(stop: datetime) -> None:
    _before, after = _split("homebody_motion", stop)
    values = [float(r.state) for r in after[FRIDGE]]
    starts = sum(1 for a, b in itertools.pairwise(values) if a < 5 <= b)
    hours = (START + timedelta(days=5) - stop).total_seconds() / 3600
    assert starts >= hours * 0.6  # a compressor run about every hour


@pytest.mark.parametrize("stop", STOPS)
def test_light_follows_daylight_only(stop: datetime) -> None:
    before, after = _split("homebody_motion", stop)
    held = float(before[ILLUMINANCE][-1].state)
    previous = held
    for row in after[ILLUMINANCE]:
        value = float(row.state)
        elevation = sun_elevation(37.57, 126.98, row.time.timestamp())
        if elevation < -6:
            # Dark: only the lamp as it was, give or take the sensor's noise.
            assert abs(value - previous) <= max(3.0, 0.05 * previous), row
        previous = value


def test_lamp_left_on_stays_on_through_the_night() -> None:
    stop = START + timedelta(hours=20.5)  # evening, resident at home
    before, after = _split("homebody_motion", stop, days=2)
    assert float(before[ILLUMINANCE][-1].state) > 50
    night = [r for r in after[ILLUMINANCE] if sun_elevation(37.57, 126.98, r.time.timestamp()) < -6]
    assert night
    assert all(float(r.state) > 50 for r in night)


@pytest.mark.parametrize("stop", STOPS)
def test_motion_clears_and_stays_off(stop: datetime) -> None:
    _before, after = _split("homebody_motion", stop)
    rows = after.get(MOTION, [])
    assert all(r.state == "off" for r in rows)
    assert all(r.time - stop <= timedelta(seconds=90) for r in rows)


def test_nothing_changes_but_fridge_and_daylight_after_a_night_stop() -> None:
    stop = START + timedelta(hours=26)  # 02:00, asleep
    _before, after = _split("early_riser", stop, days=4)
    assert set(after) <= {FRIDGE, ILLUMINANCE, TV}  # the TV's standby draw wobbles
    assert all(float(r.state) < STANDBY_W for r in after.get(TV, []))
    assert after[FRIDGE]
