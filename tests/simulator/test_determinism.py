"""Same seed, same readings; a stop never changes what comes before it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator import PROFILES, Reading

from .common import START, readings, simulation


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_same_seed_same_readings(profile: str) -> None:
    assert readings(profile, days=3) == readings(profile, days=3)


def test_other_seed_other_readings() -> None:
    assert readings(seed=1, days=2) != readings(seed=2, days=2)


def test_readings_are_in_time_order_and_from_start() -> None:
    rows = readings("homebody_motion", days=3)
    times = [r.time for r in rows]
    assert times == sorted(times)
    assert times[0] == START
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in times)
    # Every entity's state at the start comes first.
    entities = {spec.entity_id for spec in simulation("homebody_motion").entities()}
    assert {r.entity_id for r in rows if r.time == START} == entities


def test_calls_continue_where_the_last_stopped() -> None:
    sim = simulation("night_owl")
    pieces: list[Reading] = []
    for hours in (5, 5.5, 30, 31, 80):
        pieces.extend(sim.readings(START + timedelta(hours=hours)))
    assert pieces == readings("night_owl", days=80 / 24)
    # An earlier `until` than already reached gives nothing.
    assert list(sim.readings(START + timedelta(hours=1))) == []


@pytest.mark.parametrize("profile", ["early_riser", "homebody_motion", "night_owl"])
@pytest.mark.parametrize("stop_hours", [0.5, 19.25, 31.1, 55.7, 70.0])
def test_prefix_before_the_stop_is_identical(profile: str, stop_hours: float) -> None:
    stop = START + timedelta(hours=stop_hours)
    free = [r for r in readings(profile, days=4) if r.time < stop]
    stopped = [r for r in readings(profile, days=4, stop_at=stop) if r.time < stop]
    assert stopped == free


@pytest.mark.parametrize("stop_hours", [7.3, 20.6, 43.2])
def test_stop_set_while_iterating_equals_stop_set_at_creation(stop_hours: float) -> None:
    stop = START + timedelta(hours=stop_hours)
    until = START + timedelta(days=3)
    expected = readings("homebody_motion", days=3, stop_at=stop)
    sim = simulation("homebody_motion")
    got = list(sim.readings(stop - timedelta(minutes=1)))
    sim.stop_at = stop  # as the demo does at "now"
    got.extend(sim.readings(until))
    assert got == expected


def test_absences_are_cut_at_the_stop() -> None:
    free = simulation("weekend_family")
    list(free.readings(START + timedelta(days=14)))
    outings = free.absences()
    assert outings
    stop = outings[3][0] + (outings[3][1] - outings[3][0]) / 2
    stopped = simulation("weekend_family", stop_at=stop)
    list(stopped.readings(START + timedelta(days=14)))
    assert stopped.absences() == [*outings[:3], (outings[3][0], stop)]
