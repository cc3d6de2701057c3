"""The household's one status value: everything it shows, rebuilt only when it changed."""

from __future__ import annotations

from datetime import timedelta

from custom_components.care_plug.engine import Level, Monitoring, Role

from .test_monitor import ATTENTION, HALL, MIN, T0, TV, household, tv_on


def test_a_reading_that_changes_nothing_keeps_the_same_status_object() -> None:
    house = household({TV: Role.POWER, HALL: Role.PRESENCE})
    tv_on(house, T0)
    before = house.status
    house.observe(TV, "81", T0 + MIN)  # the TV still on: no activity, nothing shown moves
    house.report(TV, T0 + 2 * MIN)
    assert house.status is before


def test_the_status_holds_everything_the_household_shows() -> None:
    house = household({TV: Role.POWER, HALL: Role.PRESENCE})
    tv_on(house, T0)
    house.observe(HALL, "unavailable", T0 + MIN)
    status = house.status
    assert status.level is Level.NORMAL
    assert status.monitoring is Monitoring.DEGRADED
    assert status.last_activity == T0
    assert status.last_activity_entity == TV
    assert status.next_escalation == T0 + ATTENTION
    assert status.next_level is Level.ATTENTION
    assert status.activity_today == 1
    assert (status.sources_online, status.sources_total) == (1, 2)
    assert status.source_health == ((TV, "ok"), (HALL, "unavailable"))
    assert status.inactive_seconds(T0 + 5 * MIN) == 300
    assert status.inactive_seconds(T0 - MIN) == 0


def test_a_level_change_gives_a_new_status() -> None:
    house = household()
    tv_on(house, T0)
    before = house.status
    house.advance(T0 + ATTENTION)
    after = house.status
    assert after is not before
    assert (after.level, after.alert_id is not None) == (Level.ATTENTION, True)
    assert house.advance(T0 + ATTENTION + timedelta(seconds=1)) == []
    assert house.status is after
