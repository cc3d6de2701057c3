"""The simulated days look like a person's days, and each profile like itself."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from datetime import timedelta

import pytest

from custom_components.care_plug.engine.solar import sun_elevation
from simulator import PROFILES, Simulation
from simulator.model import FRIDGE, ILLUMINANCE, KETTLE, TV
from simulator.plan import trip

from .common import START, readings, simulation

DAYS = 28


def _local_hour(ts: float, day_start: float) -> float:
    return (ts - day_start) / 3600


def _wake_hours(sim: Simulation, days: int = DAYS) -> list[float]:
    out = []
    for day in range(days):
        plan = sim.plan(day)
        if plan.wake is not None:
            out.append(_local_hour(plan.wake, sim.day_start(day)))
    return out


def test_wake_times_vary_by_profile() -> None:
    early = _wake_hours(simulation("early_riser"))
    owl = _wake_hours(simulation("night_owl"))
    irregular = _wake_hours(simulation("irregular"))
    assert 5.0 < statistics.mean(early) < 6.2
    assert 9.3 < statistics.mean(owl) < 11.0
    assert 0.2 < statistics.stdev(early) < 0.7
    assert statistics.stdev(irregular) > 1.0


def test_weekends_start_later() -> None:
    sim = simulation("weekend_family")
    weekday: list[float] = []
    weekend: list[float] = []
    for day in range(70):
        plan = sim.plan(day)
        if plan.wake is None:
            continue
        hour = _local_hour(plan.wake, sim.day_start(day))
        (weekend if day % 7 in (5, 6) else weekday).append(hour)
    assert statistics.mean(weekend) > statistics.mean(weekday) + 0.4


def _kettle_uses(profile: str) -> list[int]:
    rows = readings(profile, days=DAYS)
    per_day: Counter[int] = Counter()
    was_on = False
    for row in rows:
        if row.entity_id == KETTLE:
            on = float(row.state) > 1000
            if on and not was_on:
                per_day[(row.time - START) // timedelta(days=1)] += 1
            was_on = on
    return [per_day[day] for day in range(DAYS)]


def test_kettle_uses_per_day() -> None:
    early = _kettle_uses("early_riser")
    homebody = _kettle_uses("homebody_motion")
    assert 3.5 < statistics.mean(early) < 7
    assert 1.5 < statistics.mean(homebody) < statistics.mean(early)
    assert max(early) - min(early) >= 3  # days differ


def test_kettle_runs_a_few_minutes_at_two_kilowatts() -> None:
    rows = [r for r in readings("early_riser", days=3) if r.entity_id == KETTLE]
    on_at = None
    for row in rows:
        watts = float(row.state)
        if watts > 1000:
            assert 1700 < watts < 2300
            on_at = on_at or row.time
        elif on_at is not None:
            assert timedelta(minutes=1.9) < row.time - on_at < timedelta(minutes=4.1)
            on_at = None


def test_lamp_only_in_the_dark_and_with_the_resident_at_home() -> None:
    for profile in ("early_riser", "night_owl", "homebody_motion"):
        sim = simulation(profile)
        lamp_elevation = PROFILES[profile].lamp_elevation + 5  # the dullest sky
        count = 0
        for day in range(DAYS):
            plan = sim.plan(day)
            for on, off in plan.lamp:
                count += 1
                assert sun_elevation(37.57, 126.98, on) < lamp_elevation
                assert any(s <= on and off <= e for s, e in plan.home_awake)
        assert count >= DAYS  # most days, at dusk or before dawn


def test_tv_evenings_most_days() -> None:
    sim = simulation("night_owl")
    evenings = sum(
        1
        for day in range(DAYS)
        if any(
            _local_hour(seg.start, sim.day_start(day)) < 23
            and _local_hour(seg.end, sim.day_start(day)) > 22
            for seg in sim.plan(day).appliances.get(TV, [])
        )
    )
    assert evenings >= DAYS * 0.7


def test_nights_away_are_rare_except_for_weekend_family() -> None:
    first = START.date()
    for name, low, high in (("early_riser", 0.005, 0.05), ("weekend_family", 0.09, 0.16)):
        nights = sum(
            t.nights for day in range(700) if (t := trip(PROFILES[name], 3, first, day)) is not None
        )
        assert low < nights / 700 < high, name


def test_homebody_rarely_goes_out_while_irregular_often_does() -> None:
    homebody, irregular = simulation("homebody_motion"), simulation("irregular")
    list(homebody.readings(START + timedelta(days=DAYS)))
    list(irregular.readings(START + timedelta(days=DAYS)))
    assert len(homebody.absences()) < DAYS * 0.3
    assert len(irregular.absences()) > DAYS * 0.7


def test_fridge_duty_cycle_and_daylight_range() -> None:
    rows = readings("early_riser", days=3)
    fridge = [r for r in rows if r.entity_id == FRIDGE]
    on = sum(
        (b.time - a.time).total_seconds()
        for a, b in itertools.pairwise(fridge)
        if float(a.state) > 20
    )
    assert 0.2 < on / (3 * 86400) < 0.5
    lux = [float(r.state) for r in rows if r.entity_id == ILLUMINANCE]
    assert min(lux) == 0
    assert 100 < max(lux) < 2000


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_profile_is_active_every_home_day(profile: str) -> None:
    sim = simulation(profile)
    for day in range(DAYS):
        plan = sim.plan(day)
        if plan.home_awake and sum(e - s for s, e in plan.home_awake) > 6 * 3600:
            assert plan.appliances.get(TV) or plan.lamp or plan.moves, (profile, day)
